"""Shipping: publish an approved episode to the website, verify the live site, follow up until it matches.

targets.py     config + episode → repo paths and live URLs (the only place paths are made)
website.py     the working clone under <data_dir>/website, git credentials and git errors in words
feed.py        the episode index (JSON) and the RSS feed (iTunes + podcast namespaces)
publish.py     publish_step / publish_episode: one commit on the remote head with exactly those paths, never twice
live.py        a live URL as listeners get it (plain URL, Content-Type, overall deadline) and its diagnosis
verify.py      check_episode / ShipChecker: on the remote branch by content, served byte for byte, in the feed
confirm.py     check_and_ship: shipped on two matches a short interval apart, the final line; reopen
followups.py   FollowUps: the scheduler wake-ups (APScheduler, public API), the schedule, snooze, repair
followup_rows.py    the ship_followups rows and their leased, fenced claims
followup_checks.py  what a due check does: ship, remind the owner, escalate; re-checks after shipping
leader.py      one scheduler among instances: a lease row with a heartbeat and a term
outage.py      database errors in the scheduler: logged once, retried with backoff
actions.py     check_now, snooze, reassign, i_fixed_it, publish_manually, publish_again, ways_out
local_site.py  LocalWebsite: the embedded bare remote, delayed deploy and static server
doctor.py      website_checks for `papercast doctor`
schema.py      migrations 2 and 4: the ship_followups table, the ship_leader lease (wired in workflows/database.py)
"""
