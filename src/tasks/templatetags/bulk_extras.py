from django import template

register = template.Library()


@register.filter
def bulk_batch_id(message) -> int | None:
    """The batch a bulk action's message can undo (tagged `bulk-undo-<id>` by the view)."""
    for tag in str(getattr(message, "extra_tags", "") or "").split():
        if tag.startswith("bulk-undo-") and tag[10:].isdigit():
            return int(tag[10:])
    return None
