-- commerce_fdw 1.1 -> 1.2: shared clusters (trust), operations and BI-grade reads.
-- From 1.1 on an update keeps what users attached to the extension's objects:
-- functions are replaced in place (CREATE OR REPLACE), never dropped.
\echo Use "ALTER EXTENSION commerce_fdw UPDATE TO '1.2'" to load this file. \quit
