"""The number a caller asking for a callback wants to be called on, taken with the keypad.

A pure interpreter, like ``ivr.IvrSession``: the engine feeds it digits and timeouts and performs
the actions it returns (``ivr.Play``, ``ivr.Collect``) until one is ``Chosen`` or ``GiveUp``.

    choose   1: the number they call from; 2: another one (skipped when theirs is withheld)
    type     digits ended by # or by a pause; * starts again
    confirm  the typed number read back digit by digit; 1 confirms it, 2 types it again

A wrong key, silence, a number that cannot be called back or a retype is a mistake; at the third
the caller gives up and nothing is registered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from sportello.helpdesk import phones
from sportello.switchboard.ivr import Collect, Play

OWN_NUMBER, ANOTHER_NUMBER = "1", "2"
CONFIRM, RETYPE = "1", "2"
END_KEY, RESTART_KEY = "#", "*"
MAX_MISTAKES = 3
MAX_DIGITS = 17  # "00" and the 15 digits of the longest international number
CHOICE_SECONDS = 6.0
FIRST_DIGIT_SECONDS = 10.0  # finding the number to type takes a while
DEFAULT_DIGIT_SECONDS = 5.0
HOME_REGION = "IT"
# Only numbers a person answers: a callback to a premium-rate or foreign number would charge
# the office (a known toll-fraud route).
REACHABLE = {
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


@dataclass(frozen=True)
class Chosen:
    number: str
    typed: bool


@dataclass(frozen=True)
class GiveUp:
    pass


def withheld(number: str) -> bool:
    """The trunk gave no number to call back ("anonymous", empty, a name)."""
    return not re.fullmatch(r"\+?[0-9]{3,}", number or "")


def dialable(typed: str) -> str | None:
    """E.164 form of a typed number the office may call back; None when it may not."""
    e164 = phones.normalise(typed, HOME_REGION)
    if e164 is None:
        return None
    number = phonenumbers.parse(e164)
    if phonenumbers.region_code_for_number(number) != HOME_REGION:
        return None
    return e164 if phonenumbers.number_type(number) in REACHABLE else None


@dataclass
class NumberEntry:
    own_number: str
    language: str
    digit_seconds: float = DEFAULT_DIGIT_SECONDS
    mistakes: int = 0
    step: str = ""
    typed: str = ""
    number: str = ""

    def start(self) -> list:
        if withheld(self.own_number):
            return self._ask_to_type("callback_number_withheld")
        return self._choose()

    def digit(self, key: str) -> list:
        if self.step == "choose":
            return self._chosen(key)
        if self.step == "type":
            return self._typed(key)
        if self.step == "confirm":
            return self._confirmed(key)
        return []

    def timeout(self) -> list:
        if self.step == "type" and self.typed:
            return self._entered()
        if self.step == "choose":
            return self._mistake(None, self._choose)
        if self.step == "type":
            return self._mistake(None, self._ask_to_type)
        if self.step == "confirm":
            return self._mistake(None, self._read_back)
        return []

    # -- steps ----------------------------------------------------------------------------

    def _choose(self) -> list:
        self.step = "choose"
        return [self._play("callback_number_choice"), Collect(CHOICE_SECONDS)]

    def _chosen(self, key: str) -> list:
        if key == OWN_NUMBER:
            return self._done(Chosen(self.own_number, typed=False))
        if key == ANOTHER_NUMBER:
            return self._ask_to_type()
        return self._mistake("invalid_choice", self._choose)

    def _ask_to_type(self, prompt: str = "callback_number_type") -> list:
        self.step, self.typed = "type", ""
        return [self._play(prompt), Collect(max(FIRST_DIGIT_SECONDS, self.digit_seconds))]

    def _typed(self, key: str) -> list:
        if key == END_KEY:
            return self._entered() if self.typed else self._mistake(None, self._ask_to_type)
        if key == RESTART_KEY:
            return self._mistake(None, self._ask_to_type)
        if key.isdigit():
            self.typed += key
            if len(self.typed) >= MAX_DIGITS:
                return self._entered()
        return [Collect(self.digit_seconds)]

    def _entered(self) -> list:
        number = dialable(self.typed)
        if number is None:
            return self._mistake("callback_number_invalid", self._ask_to_type)
        self.number = number
        return self._read_back()

    def _read_back(self) -> list:
        self.step = "confirm"
        digits = [self._play(f"digit_{d}") for d in self.typed]
        return [
            self._play("callback_number_read_back"), *digits,
            self._play("callback_number_confirm"), Collect(CHOICE_SECONDS),
        ]  # fmt: skip

    def _confirmed(self, key: str) -> list:
        if key == CONFIRM:
            return self._done(Chosen(self.number, typed=True))
        if key == RETYPE:
            return self._mistake(None, self._ask_to_type)
        return self._mistake("invalid_choice", self._read_back)

    # -- endings --------------------------------------------------------------------------

    def _mistake(self, prompt: str | None, again) -> list:
        self.mistakes += 1
        said = [self._play(prompt)] if prompt else []
        if self.mistakes >= MAX_MISTAKES:
            return said + self._done(GiveUp(), self._play("callback_number_cancelled"))
        return said + again()

    def _done(self, ending: Chosen | GiveUp, *said: Play) -> list:
        self.step = "done"
        return [*said, ending]

    def _play(self, prompt: str) -> Play:
        return Play(prompt, self.language)
