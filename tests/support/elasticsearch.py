"""What tests and ``bench/`` do to the Elasticsearch cluster around the site's own index."""

import time

from elasticsearch.helpers import bulk, scan

from jingjian.search import elastic


def wait_for_cluster(timeout=60):
    """Block until the cluster answers (scripts and tests)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            elastic.client().cluster.health(wait_for_status="yellow", timeout="5s")
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def delete_indices(pattern, es=None):
    """Delete the indices matching ``pattern`` (the cluster refuses wildcard deletes)."""
    es = es or elastic.client()
    names = list(es.indices.get(index=pattern, ignore_unavailable=True, allow_no_indices=True))
    for name in names:
        es.indices.delete(index=name, ignore_unavailable=True)
    return names


def delete_all_documents(pattern, es=None):
    """Empty the indices matching ``pattern`` but keep them (tests). Works without the reindex
    module, which the minimal distribution lacks (so no _delete_by_query)."""
    es = es or elastic.client()
    hits = scan(es, index=pattern, query={"query": {"match_all": {}}}, _source=False)
    actions = ({"_op_type": "delete", "_index": h["_index"], "_id": h["_id"]} for h in hits)
    bulk(es, actions, raise_on_error=False)
    es.indices.refresh(index=pattern)
