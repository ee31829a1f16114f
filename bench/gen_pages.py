#!/usr/bin/env python3
"""Writes Glance-shaped inventory pages for bench/scan.sh: DIR/inventory/<page>.json,
`pages` pages of `rows` rows each, with the list envelope the API documents
({success, data, pagination{total, limit, offset, hasMore}})."""
import json
import os
import sys

def main():
    out, pages, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    d = os.path.join(out, "inventory")
    os.makedirs(d, exist_ok=True)
    total = pages * rows
    for page in range(1, pages + 1):
        data = []
        for i in range(rows):
            rid = (page - 1) * rows + i + 1
            data.append({
                "id": rid,
                "product": {"id": 100000 + rid, "name": "Product %d, blue/large" % rid,
                            "sku": "SKU-%07d" % rid},
                "warehouse": {"id": 1 + rid % 5, "name": "Warehouse %d" % (1 + rid % 5)},
                "quantity": "%d.%02d" % (rid % 997, rid % 100),
                "location": "A-%02d-%03d" % (rid % 40, rid % 300),
            })
        body = {"success": True, "data": data,
                "pagination": {"total": total, "limit": rows, "offset": (page - 1) * rows,
                               "hasMore": page < pages}}
        with open(os.path.join(d, "%d.json" % page), "w") as f:
            json.dump(body, f, separators=(",", ":"))

if __name__ == "__main__":
    main()
