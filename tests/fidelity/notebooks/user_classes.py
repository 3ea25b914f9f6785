# ruff: noqa
# Object-oriented notebook code: a small class hierarchy with properties, class methods,
# __slots__, operator overloading, decorators, closures, lru_cache and lambdas in data.
import functools
import math


# %%
class Shape:
    registry = []

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        Shape.registry.append(cls.__name__)

    def area(self):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}(area={self.area():.2f})"


class Circle(Shape):
    def __init__(self, r):
        self.r = r

    @property
    def diameter(self):
        return 2 * self.r

    def area(self):
        return math.pi * self.r**2

    @classmethod
    def unit(cls):
        return cls(1.0)


class Vec:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x, self.y = x, y

    def __add__(self, other):
        return Vec(self.x + other.x, self.y + other.y)

    def __eq__(self, other):
        return (self.x, self.y) == (other.x, other.y)


# %%
def timed(fn):
    @functools.wraps(fn)
    def wrapper(*a, **k):
        wrapper.calls += 1
        return fn(*a, **k)

    wrapper.calls = 0
    return wrapper


@timed
def area_sum(shapes):
    return sum(s.area() for s in shapes)


@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def counter():
    count = 0

    def inc():
        nonlocal count
        count += 1
        return count

    return inc


shapes = [Circle(1), Circle.unit(), Circle(2.5)]
total = area_sum(shapes)
tick = counter()
tick(), tick()
ops = {"square": lambda v: v * v, "half": lambda v: v / 2}
v = Vec(1, 2) + Vec(3, 4)
fib30 = fib(30)
