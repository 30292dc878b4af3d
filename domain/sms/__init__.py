"""SMS in Telegram-free terms: GSM-7/UCS-2 encoding and segments, fitting, inbound keywords."""

from domain.sms.encoding import Coding, Encoded, coding_of, encode, segment_count, split, units
from domain.sms.fit import MAX_SEGMENTS, fit
from domain.sms.keywords import Command, Keyword, parse_command

__all__ = [
    "MAX_SEGMENTS",
    "Coding",
    "Command",
    "Encoded",
    "Keyword",
    "coding_of",
    "encode",
    "fit",
    "parse_command",
    "segment_count",
    "split",
    "units",
]
