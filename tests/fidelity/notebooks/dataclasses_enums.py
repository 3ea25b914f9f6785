# ruff: noqa
# Modelling a small domain with dataclasses and enums, as in "Fluent Python".
from dataclasses import asdict, dataclass, field
from enum import Enum, Flag, IntEnum, auto
from typing import Optional


# %%
class Suit(Enum):
    HEARTS = "♥"
    SPADES = "♠"


class Priority(IntEnum):
    LOW = 1
    HIGH = 3


class Perm(Flag):
    R = auto()
    W = auto()
    X = auto()


@dataclass(order=True)
class Card:
    rank: int
    suit: Suit = field(compare=False)


@dataclass(frozen=True)
class Point3:
    x: float
    y: float
    z: float = 0.0


@dataclass
class Inventory:
    items: list = field(default_factory=list)
    owner: Optional[str] = None

    def add(self, item):
        self.items.append(item)
        return self


# %%
hand = sorted([Card(10, Suit.HEARTS), Card(2, Suit.SPADES), Card(7, Suit.HEARTS)])
origin = Point3(0.0, 0.0)
inv = Inventory(owner="ada").add("pen").add(Card(1, Suit.SPADES))
rw = Perm.R | Perm.W
level = Priority.HIGH
as_dict = asdict(origin)
suits = list(Suit)
