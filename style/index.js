import './base.css';
import './graph.css';
import './compare.css';
import './polish.css';
import './sharing.css';
