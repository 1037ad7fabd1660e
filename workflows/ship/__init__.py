"""Shipping: publish an approved episode to the website, verify the live site, follow up until it matches.

targets.py     config + episode → repo paths and live URLs (the only place paths are made)
website.py     the working clone under <data_dir>/website, git credentials and git errors in words
feed.py        the episode index (JSON) and the RSS feed (iTunes + podcast namespaces)
publish.py     publish_step / publish_episode: copy, commit exactly those paths, push, rebase, never twice
live.py        one cache-busted fetch of a live URL and its diagnosis
verify.py      check_episode / ShipChecker: committed, pushed, served byte for byte, in the feed
confirm.py     check_and_ship: the transition to shipped and the final line
followups.py   FollowUps: the schedule, pings, escalation (APScheduler wake-ups, jobs in the database)
leader.py      one scheduler among instances (PostgreSQL advisory lock)
actions.py     check_now, snooze, reassign, i_fixed_it, publish_manually (owner or reviewer only)
local_site.py  LocalWebsite: the embedded bare remote, delayed deploy and static server
doctor.py      website_checks for `papercast doctor`
schema.py      migration 2: the ship_followups table
"""
