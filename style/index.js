import './base.css';
import './polish.css';
