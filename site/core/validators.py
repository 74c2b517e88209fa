"""Validators shared by page types."""

from django.core.exceptions import ValidationError

SUMMARY_MAX_LENGTH = 120


def validate_summary_length(value):
    """The one-line summary fits lists, search results and channel digests."""
    if len(value) > SUMMARY_MAX_LENGTH:
        raise ValidationError(
            f"一句话简介最多 {SUMMARY_MAX_LENGTH} 个字，当前 {len(value)} 个字，请删减后再保存。"
        )
