"""Block Kit builders: pure functions, data in, blocks out. No Slack calls here."""

from bot.blocks.ledger import HELP, Ledger, home_view, ledger_blocks, ledger_text
from bot.blocks.modals import approve_modal, changes_modal, edit_modal, joined_parts
from bot.blocks.progress import progress_bar, stage_line
from bot.blocks.reminder import approval_dm, owner_reminder, reminder_outcome
from bot.blocks.review import decided, numbered_script, review_message
from bot.blocks.status_card import episode_title, failed_upload, not_a_pdf, refused_file, status_card

__all__ = [
    "HELP", "Ledger", "approval_dm", "approve_modal", "changes_modal", "decided",
    "edit_modal", "episode_title", "failed_upload", "home_view", "joined_parts", "ledger_blocks", "ledger_text",
    "not_a_pdf", "numbered_script", "owner_reminder", "progress_bar", "refused_file", "reminder_outcome",
    "review_message", "stage_line", "status_card",
]
