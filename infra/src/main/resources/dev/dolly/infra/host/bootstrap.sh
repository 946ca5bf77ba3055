#!/bin/bash
# Dolly ZFS host bootstrap: EC2 user data, rendered by dev.dolly.infra.ZfsHost (the quoted settings
# below are filled in at synth time; none is a secret). Idempotent: running it again changes nothing.
# Log: /var/log/dolly-bootstrap.log
set -euo pipefail
exec > >(tee -a /var/log/dolly-bootstrap.log) 2>&1
echo "dolly bootstrap: start $(date -Is)"

REGION='@@REGION@@'
VOLUME_ID='@@VOLUME_ID@@'
POOL='@@POOL@@'
AGENT_PORT='@@AGENT_PORT@@'
CLONE_PORTS='@@CLONE_PORTS@@'
AGENT_JAR_URL='@@AGENT_JAR_URL@@'
HOST_CONFIG_URL='@@HOST_CONFIG_URL@@'
AGENT_SECRET_ARN='@@AGENT_SECRET_ARN@@'
HOST_ENV_SECRET_ARN='@@HOST_ENV_SECRET_ARN@@'
HOST_NAME='@@HOST_NAME@@'
CALLBACK_URL='@@CALLBACK_URL@@'
TEMPLATES='@@TEMPLATES@@'
HOST_ID='@@HOST_ID@@'
METRICS_LOG_GROUP='@@METRICS_LOG_GROUP@@'
PG_MAJOR=15
PG_UID=999
PG_GID=999
IMAGE_REPO=dolly/postgres
IMAGE="$IMAGE_REPO:$PG_MAJOR"
DEBIAN_MIRROR=http://deb.debian.org/debian
export AWS_DEFAULT_REGION="$REGION"
export PATH="$PATH:/snap/bin"

# ---------------------------------------------------------------- 1. packages
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
  zfsutils-linux docker.io openjdk-17-jre-headless debootstrap debian-archive-keyring jq curl ca-certificates
command -v aws >/dev/null || snap install aws-cli --classic

# ---------------------------------------------------------------- 2. the pool volume
# The volume outlives the instance. This instance attaches it itself, so a replacement host
# waits here until its predecessor has let go of it (CloudFormation terminates the old one last).
imds() {
  local token
  token=$(curl -sf -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
  curl -sf -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
}
INSTANCE_ID=$(imds instance-id)
pool_device() {
  local nvme="/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${VOLUME_ID//-/}"
  if [ -e "$nvme" ]; then echo "$nvme"; elif [ -e /dev/xvdf ]; then echo /dev/xvdf; fi
}
if [ -z "$(pool_device)" ]; then
  for _ in $(seq 1 180); do
    state=unknown; attached_to=None
    read -r state attached_to < <(aws ec2 describe-volumes --volume-ids "$VOLUME_ID" \
      --query 'Volumes[0].[State, Attachments[0].InstanceId]' --output text || true) || true
    if [ "$state" = available ]; then
      aws ec2 attach-volume --volume-id "$VOLUME_ID" --instance-id "$INSTANCE_ID" --device /dev/sdf && break
    elif [ "$attached_to" = "$INSTANCE_ID" ]; then
      break
    fi
    echo "pool volume $VOLUME_ID is $state (attached to $attached_to); waiting"
    sleep 10
  done
  for _ in $(seq 1 60); do [ -n "$(pool_device)" ] && break; sleep 5; done
fi
DEVICE=$(pool_device)
[ -n "$DEVICE" ] || { echo "pool volume $VOLUME_ID did not appear on this instance"; exit 1; }

# ---------------------------------------------------------------- 3. the ZFS pool
# Import it if the volume already holds it (a replaced host), create it on an empty volume, and
# never touch a volume holding anything else.
if ! zpool list -H "$POOL" >/dev/null 2>&1; then
  importable=$(zpool import -d /dev/disk/by-id 2>/dev/null || true)
  if grep -q "pool: $POOL\$" <<<"$importable"; then
    zpool import -f -d /dev/disk/by-id "$POOL"
  elif ! blkid "$DEVICE" >/dev/null 2>&1; then
    zpool create -f -o ashift=12 -o autoexpand=on \
      -O compression=lz4 -O atime=off -O recordsize=128k -O logbias=throughput "$POOL" "$DEVICE"
  else
    echo "pool volume $VOLUME_ID at $DEVICE holds data that is not the ZFS pool '$POOL'; refusing to touch it"
    exit 1
  fi
fi
# a volume grown meanwhile (context poolSizeGiB) is taken up by a new host; a running one grows
# through autoexpand
zpool online -e "$POOL" "$DEVICE" 2>/dev/null || true
zpool list "$POOL"

# ---------------------------------------------------------------- 4. Docker
systemctl enable --now docker

# ---------------------------------------------------------------- 4b. clone isolation
# Clone owners are PostgreSQL superusers with a shell in their container. Their containers join the
# docker network `dolly` (inter-container traffic off) and the host drops everything they start:
# to the host itself (the agent listens on 0.0.0.0), to other containers and networks, and to the
# instance metadata address (whose role reads the sources' passwords). The launch template also
# sets the metadata hop limit to 1, so no container gets a metadata token either way.
install -d -m 0755 /usr/local/lib/dolly
cat >/usr/local/lib/dolly/firewall <<'DOLLY_FIREWALL'
#>>> host/firewall.sh <<<#
DOLLY_FIREWALL
chmod 0755 /usr/local/lib/dolly/firewall
cat >/etc/systemd/system/dolly-firewall.service <<'EOF'
[Unit]
Description=Dolly clone isolation (docker network dolly, iptables INPUT and DOCKER-USER rules)
After=docker.service
Requires=docker.service
Before=dolly-agent.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/lib/dolly/firewall apply

[Install]
WantedBy=multi-user.target
EOF
systemctl daemon-reload
systemctl enable dolly-firewall
systemctl restart dolly-firewall
/usr/local/lib/dolly/firewall check

# ---------------------------------------------------------------- 5. the PostgreSQL image
# The same recipe as `./dolly setup`: Debian bookworm minbase with postgresql-$PG_MAJOR, user
# postgres remapped to uid/gid 999, imported as a local image (no registry needed).
if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  dir=/var/lib/dolly/image-build
  rm -rf "$dir"; mkdir -p "$dir"
  debootstrap --variant=minbase --include="postgresql-$PG_MAJOR,locales-all" \
    --keyring=/usr/share/keyrings/debian-archive-keyring.gpg bookworm "$dir" "$DEBIAN_MIRROR"
  chroot "$dir" /bin/sh -ec "
    old_uid=\$(id -u postgres); old_gid=\$(id -g postgres)
    groupmod -g $PG_GID postgres
    usermod -u $PG_UID -g $PG_GID postgres
    find / -xdev \\( -uid \$old_uid -o -gid \$old_gid \\) -exec chown -h $PG_UID:$PG_GID {} +
    rm -rf /var/lib/postgresql/$PG_MAJOR/main /etc/postgresql/$PG_MAJOR/main
    mkdir -p /run/postgresql /pgdata && chown $PG_UID:$PG_GID /run/postgresql /pgdata && chmod 2775 /run/postgresql
    apt-get clean; rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /usr/share/doc /usr/share/man
  "
  tar -C "$dir" -c . | docker import \
    -c "ENV PATH=/usr/lib/postgresql/$PG_MAJOR/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    -c "ENV LANG=C.UTF-8" \
    -c "ENV PGDATA=/pgdata" \
    -c "USER postgres" \
    -c "WORKDIR /pgdata" \
    -c "STOPSIGNAL SIGINT" \
    -c "LABEL dolly.pg.major=$PG_MAJOR dolly.pg.uid=$PG_UID" \
    - "$IMAGE"
  rm -rf "$dir"
fi

# ---------------------------------------------------------------- 6. the agent
install -d -m 0755 /opt/dolly /etc/dolly /usr/local/lib/dolly
install -d -m 0700 /var/lib/dolly
aws s3 cp --only-show-errors "$AGENT_JAR_URL" /opt/dolly/dolly-host-agent.jar
if [ -n "$HOST_CONFIG_URL" ]; then
  aws s3 cp --only-show-errors "$HOST_CONFIG_URL" /etc/dolly/dolly.yaml
else
  cat >/etc/dolly/dolly.yaml <<EOF
# Generated by the Dolly CDK app. Declare templates (seed or source, masking) by deploying with
# the context key hostConfig pointing at your own dolly.yaml.
# Templates scheduled for refresh by this stack: ${TEMPLATES:-none}
agent:
  host: $HOST_NAME
  listen: 0.0.0.0:$AGENT_PORT
  pool: $POOL
  ports: $CLONE_PORTS
  image: $IMAGE
  secretEnv: DOLLY_AGENT_SECRET
templates: {}
EOF
fi

# Settings (no secrets): read by the unit and by the secret fetcher.
cat >/etc/dolly/host.env <<EOF
DOLLY_CONFIG=/etc/dolly/dolly.yaml
DOLLY_POOL=$POOL
DOLLY_PG_IMAGE=$IMAGE
DOLLY_PG_UID=$PG_UID
DOLLY_CALLBACK_URL=$CALLBACK_URL
DOLLY_AGENT_NAME=${HOST_NAME%%.*}
DOLLY_AGENT_SECRET_ARN=$AGENT_SECRET_ARN
DOLLY_HOST_ENV_SECRET_ARN=$HOST_ENV_SECRET_ARN
AWS_DEFAULT_REGION=$REGION
EOF

# Secrets are fetched before every start into /run (tmpfs, root only), so a rotated value is
# picked up by a restart and nothing secret is ever written to disk.
cat >/usr/local/lib/dolly/fetch-agent-secrets <<'EOF'
#!/bin/bash
set -euo pipefail
export PATH="$PATH:/snap/bin"
umask 077
install -d -m 0700 /run/dolly
tmp=$(mktemp /run/dolly/agent.env.XXXXXX)
trap 'rm -f "$tmp"' EXIT
key=$(aws secretsmanager get-secret-value --secret-id "$DOLLY_AGENT_SECRET_ARN" --query SecretString --output text)
printf 'DOLLY_AGENT_SECRET=%s\n' "$key" >"$tmp"
aws secretsmanager get-secret-value --secret-id "$DOLLY_HOST_ENV_SECRET_ARN" --query SecretString --output text \
  | jq -r 'to_entries[]
           | select(.key | test("^[A-Za-z_][A-Za-z0-9_]*$"))
           | select(.key != "DOLLY_PLACEHOLDER")
           | "\(.key)=\(.value | tostring | @json)"' >>"$tmp"
mv "$tmp" /run/dolly/agent.env
trap - EXIT
EOF
chmod 0700 /usr/local/lib/dolly/fetch-agent-secrets

cat >/etc/systemd/system/dolly-agent.service <<'EOF'
[Unit]
Description=Dolly host agent
Wants=network-online.target
After=network-online.target docker.service zfs.target dolly-firewall.service
Requires=docker.service dolly-firewall.service

[Service]
Type=simple
EnvironmentFile=/etc/dolly/host.env
EnvironmentFile=-/run/dolly/agent.env
ExecStartPre=/usr/local/lib/dolly/fetch-agent-secrets
ExecStart=/usr/bin/java -XX:MaxRAMPercentage=25 -jar /opt/dolly/dolly-host-agent.jar --config /etc/dolly/dolly.yaml
Restart=on-failure
RestartSec=5
TimeoutStopSec=60

[Install]
WantedBy=multi-user.target
EOF
systemctl daemon-reload
systemctl enable dolly-agent
systemctl restart dolly-agent

# ---------------------------------------------------------------- 7. the agent's metrics into CloudWatch
# The CloudWatch agent scrapes the host agent's GET /metrics on loopback every minute and writes the dolly_*
# series its config selects to the log group $METRICS_LOG_GROUP in embedded metric format: CloudWatch makes them
# metrics in the namespace Dolly/Host (dimension host=$HOST_ID), which the stack's dashboard and alarms use. It runs as
# the user cwagent its package creates, and its role may only write that log group (no PutMetricData needed).
if [ ! -x /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl ]; then
  arch=$(dpkg --print-architecture)
  deb=$(mktemp --suffix=.deb)
  curl -fsSL --retry 5 -o "$deb" \
    "https://amazoncloudwatch-agent-$REGION.s3.$REGION.amazonaws.com/ubuntu/$arch/latest/amazon-cloudwatch-agent.deb"
  dpkg -i -E "$deb"
  rm -f "$deb"
fi
install -d -m 0755 /opt/aws/amazon-cloudwatch-agent/etc
cat >/opt/aws/amazon-cloudwatch-agent/etc/dolly-prometheus.yaml <<'DOLLY_SCRAPE'
#>>> host/prometheus.yaml <<<#
DOLLY_SCRAPE
cat >/opt/aws/amazon-cloudwatch-agent/etc/dolly-cloudwatch-agent.json <<'DOLLY_CWAGENT'
#>>> host/cloudwatch-agent.json <<<#
DOLLY_CWAGENT
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \
  -c file:/opt/aws/amazon-cloudwatch-agent/etc/dolly-cloudwatch-agent.json
echo "CloudWatch agent: the series of host $HOST_ID go to log group $METRICS_LOG_GROUP (namespace Dolly/Host)"
echo "dolly bootstrap: done $(date -Is)"
