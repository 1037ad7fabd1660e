from __future__ import annotations

from slack_bolt import App

from bot.listeners._registry import listen
from bot.listeners.actions.episode_dismiss import episode_dismiss
from bot.listeners.actions.episode_retry import episode_retry
from bot.listeners.actions.review_approve import review_approve
from bot.listeners.actions.review_edit import review_edit
from bot.listeners.actions.review_reject import review_reject
from bot.listeners.actions.review_request_changes import review_request_changes
from bot.listeners.actions.ship_check_now import ship_check_now
from bot.listeners.actions.ship_i_fixed_it import ship_i_fixed_it
from bot.listeners.actions.ship_publish_again import ship_publish_again
from bot.listeners.actions.ship_publish_by_hand import ship_publish_by_hand
from bot.listeners.actions.ship_reassign import ship_reassign
from bot.listeners.actions.ship_snooze import ship_snooze


def register(app: App) -> list[tuple[str, str]]:
    return [
        listen(app, "action", "review_approve", review_approve),
        listen(app, "action", "review_request_changes", review_request_changes),
        listen(app, "action", "review_edit", review_edit),
        listen(app, "action", "review_reject", review_reject),
        listen(app, "action", "episode_retry", episode_retry),
        listen(app, "action", "episode_dismiss", episode_dismiss),
        listen(app, "action", "ship_check_now", ship_check_now),
        listen(app, "action", "ship_snooze", ship_snooze),
        listen(app, "action", "ship_reassign", ship_reassign),
        listen(app, "action", "ship_i_fixed_it", ship_i_fixed_it),
        listen(app, "action", "ship_publish_by_hand", ship_publish_by_hand),
        listen(app, "action", "ship_publish_again", ship_publish_again),
    ]
