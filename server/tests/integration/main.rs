//! Comptoir's integration tests, linked into one binary: each test file would otherwise link the
//! whole server again, which costs minutes and gigabytes on a two-core CI machine.
#![recursion_limit = "512"]

mod support;

mod accounts;
mod activity_pages;
mod bad_input;
mod caching;
mod campaigns;
mod client_lists;
mod credit;
mod dashboard;
mod erasure;
mod exports;
mod gift_cards;
mod http;
mod imports;
mod member_cards;
mod operations;
mod programme;
mod rest_api;
mod retention;
mod security;
mod sheets;
mod startup;
mod team;
mod terms;
mod tickets;
mod till_sync;
mod two_servers;
