from django import template

register = template.Library()


@register.filter
def reading_time(seconds):
    """Seconds as a reader says them: 不到1分钟, 12分钟, 1小时5分钟."""
    seconds = int(seconds or 0)
    if seconds < 60:
        return "不到1分钟" if seconds else "—"
    hours, minutes = divmod(seconds // 60, 60)
    if not hours:
        return f"{minutes}分钟"
    return f"{hours}小时{minutes}分钟" if minutes else f"{hours}小时"
