"""The in-app notification inbox (``/notifications``) and the unread badge."""
