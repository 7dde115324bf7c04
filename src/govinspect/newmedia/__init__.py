"""Government new-media accounts (政务新媒体): the account registry, three ways for posts to come in
(RSS/Atom feeds, Excel/CSV exports, an authenticated JSON push), the checks (two weeks without a
post, the text engine on every post, menu links, messages, required reposts, original share,
duplicate accounts), their problems and scores, and the quarterly report section."""
