"""The machinery around the use cases: what runs in the background or across processes.

    delivery_writer.py    webhook deliveries stored by group commit, a SAVEPOINT each
    milestone_refresh.py  the server's coalescing, background milestone refresher
    process_map.py        an ordered map over spawned worker processes (bounded read-ahead)
    bulk_ingest.py        JSON Lines of any size: batches parsed ahead in workers

It sits above `services` (it drives use cases) and below the shells that start it.
"""
