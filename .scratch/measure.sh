#!/bin/bash
# usage: measure.sh <datadir>; prints ms to first GraphQL answer, then SIGTERMs npm and checks nothing is left
cd /work/wt/ops
start=$(date +%s%3N)
PORT=3105 EMBEDDED_PG_PORT=55105 EMBEDDED_PG_DIR=$1 npm start > .scratch/npm.log 2>&1 &
npmpid=$!
until curl -s -m 1 -H 'content-type: application/json' -d '{"query":"{ sourceArticles { totalCount } }"}' localhost:3105/graphql 2>/dev/null | grep -q totalCount; do sleep 0.05; done
echo "first answer after $(( $(date +%s%3N) - start )) ms"
kill -TERM $npmpid; wait $npmpid; echo "npm exit $?"
sleep 0.5; pgrep -af "launch.js|$1" || echo "nothing left running"
