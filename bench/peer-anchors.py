"""Peer anchors for plansync-bench's `apply` (issue 15): the same 200,000 field writes
(20,000 projects x 10: `_deleted`, seven registers, a counter increment, a set add) made in
pycrdt (Yrs) and loro, encoded as updates, then applied to a fresh in-memory document, in
batches of 1,000 writes (100 projects) as the replica applies them, and as one update.
Prints ops/s (three timed applies each, slowest first) and bytes per op. In memory: nothing reaches a disk, unlike a replica.

    pip install pycrdt loro && python3 bench/peer-anchors.py
"""
import json, sys, time

PROJECTS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
OPS = PROJECTS * 10
BATCH = 100   # projects per batch: 1,000 writes


def fields(i):
    return {
        "name": f"2027 推广项目 #{i}",
        "description": f"华东市场第 {i} 号推广活动：渠道、预算与时间表",
        "status": "planning", "start": "2027-03-01", "end": "2027-04-30",
        "budget_planned": 80_000_000 + i, "risk_level": "medium",
    }


def row_id(i):
    return f"0193{i:012x}-7000-8000-000000000000"


def pycrdt_run():
    import pycrdt
    src = pycrdt.Doc()
    projects = src.get("projects", type=pycrdt.Map)
    updates = []
    for b in range(0, PROJECTS, BATCH):
        before = src.get_state()
        with src.transaction():
            for i in range(b, min(b + BATCH, PROJECTS)):
                row = pycrdt.Map()
                projects[row_id(i)] = row
                row["_deleted"] = False
                for k, v in fields(i).items():
                    row[k] = v
                row["budget_spent"] = 1_200_000     # Yrs has no counter: a register write
                row["channels"] = pycrdt.Array(["社交媒体"])
        updates.append(src.get_update(before))
    whole = src.get_update()

    def batched():
        dst = pycrdt.Doc()
        for u in updates:
            dst.apply_update(u)

    return batched, lambda: pycrdt.Doc().apply_update(whole), sum(map(len, updates)), len(whole)


def loro_run():
    import loro
    src = loro.LoroDoc()
    projects = src.get_map("projects")
    updates = []
    for b in range(0, PROJECTS, BATCH):
        before = src.oplog_vv
        for i in range(b, min(b + BATCH, PROJECTS)):
            row = projects.insert_container(row_id(i), loro.LoroMap())
            row.insert("_deleted", False)
            for k, v in fields(i).items():
                row.insert(k, v)
            row.insert_container("budget_spent", loro.LoroCounter()).increment(1_200_000)
            row.insert_container("channels", loro.LoroList()).push("社交媒体")
        src.commit()
        updates.append(src.export(loro.ExportMode.Updates(before)))
    whole = src.export(loro.ExportMode.Updates(loro.VersionVector()))

    def batched():
        dst = loro.LoroDoc()
        for u in updates:
            dst.import_(u)

    return batched, lambda: loro.LoroDoc().import_(whole), sum(map(len, updates)), len(whole)


def rates(apply, runs=3):
    """ops/s of `runs` timed applies, slowest to fastest."""
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        apply()
        out.append(round(OPS / (time.perf_counter() - t)))
    return sorted(out)


out = {}
for name, build in [("pycrdt", pycrdt_run), ("loro", loro_run)]:
    batched, one, batched_bytes, whole_bytes = build()
    out[name] = {
        "ops": OPS,
        "apply_batches_ops_per_s": rates(batched),
        "apply_one_update_ops_per_s": rates(one),
        "bytes_per_op_batches": round(batched_bytes / OPS, 1),
        "bytes_per_op_one_update": round(whole_bytes / OPS, 1),
    }
print(json.dumps(out, indent=1))
