# What the e2e scripts check of a clone on the pool and in Docker (sourced; POOL must be set).

# clone_gone CLONE: nothing of clone CLONE is left. No dataset under $POOL/clones named for it or saying it is its
# (dolly:clone: a clone made from a warm spare keeps the spare's dataset name), no container named for it (a spare's
# container is renamed for the clone it becomes; its label keeps the spare's key) or labelled for it. A destroy
# answers once the clone is unreachable and removes container and dataset right after: this allows that 20 s.
clone_gone() {
  local i slug=${POOL//\//.}
  for i in $(seq 1 40); do
    if [ -z "$(zfs list -H -o name,dolly:clone -r "$POOL/clones" 2>/dev/null \
                 | awk -F'\t' -v d="$POOL/clones/$1" -v c="$1" '$1 == d || $2 == c')" ] &&
       ! docker ps -a --format '{{.Names}}' | grep -qxF "$slug.clone.$1" &&
       [ -z "$(docker ps -aq --filter "label=dolly.clone=$1")" ]; then return 0; fi
    sleep 0.5
  done
  return 1
}
