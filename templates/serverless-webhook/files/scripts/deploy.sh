#!/usr/bin/env bash
# Build the stack once, then deploy exactly what was built.
#
#   scripts/deploy.sh [SAM_DEPLOY_ARGS...]          build into dist/sam, then deploy that build (make deploy)
#   scripts/deploy.sh --build-only DIR              sam build into DIR and write DIR/SHA256SUMS (CI build job)
#   scripts/deploy.sh --artifact DIR [ARGS...]      check DIR/SHA256SUMS and deploy DIR as it is: no rebuild
#                                                   (CI deploy job, with the artifact the build job uploaded)
#
# Deploying uses the credentials in the environment (CI: the deploy role, assumed through OIDC) and, when set,
# ARTIFACT_BUCKET (where packaged code goes; otherwise SAM's managed bucket) and CFN_EXECUTION_ROLE_ARN (the role
# CloudFormation acts with). Both are outputs of bootstrap/oidc-roles.yaml. Extra arguments go to `sam deploy`.
# The functions deploy as a canary behind their `live` alias; CloudFormation waits for the traffic shift and
# CodeDeploy rolls back by itself when a rollback alarm fires during it (template.yaml DeploymentPreference).
set -euo pipefail

cd "$(dirname "$0")/.."

usage() {
  sed -n '4,7s/^# \{0,1\}//p' "$0" >&2
  exit 2
}

need_sam() {
  if ! command -v sam >/dev/null 2>&1; then
    echo "error: 'sam' not found. Install it: pipx install aws-sam-cli==1.170.0" >&2
    exit 1
  fi
}

build() {
  local dir=$1
  need_sam
  sam build --build-dir "$dir"
  # Digests of every file of the build, checked again before deploying it.
  local sums
  sums="$(cd "$dir" && find . -type f ! -name SHA256SUMS -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)"
  printf '%s\n' "$sums" > "$dir/SHA256SUMS"
  echo "built $dir ($(wc -l < "$dir/SHA256SUMS") files, digests in $dir/SHA256SUMS)"
}

verify() {
  local dir=$1
  if [[ ! -f $dir/template.yaml || ! -f $dir/SHA256SUMS ]]; then
    echo "error: $dir is not a build from 'scripts/deploy.sh --build-only' (no template.yaml or SHA256SUMS)" >&2
    exit 1
  fi
  if ! (cd "$dir" && sha256sum --quiet --check SHA256SUMS); then
    echo "error: $dir differs from the build that was tested; rebuild it, do not deploy it" >&2
    exit 1
  fi
}

deploy() {
  local dir=$1
  shift
  need_sam
  local args=(--template-file "$dir/template.yaml" --no-confirm-changeset --no-fail-on-empty-changeset)
  if [[ -n ${ARTIFACT_BUCKET:-} ]]; then args+=(--s3-bucket "$ARTIFACT_BUCKET"); else args+=(--resolve-s3); fi
  if [[ -n ${CFN_EXECUTION_ROLE_ARN:-} ]]; then args+=(--role-arn "$CFN_EXECUTION_ROLE_ARN"); fi
  sam deploy "${args[@]}" "$@"
  local stack
  stack="$(sed -n 's/^stack_name = "\(.*\)"/\1/p' samconfig.toml | head -n 1)"
  sam list stack-outputs --stack-name "$stack" --output table
}

case "${1-}" in
  --build-only)
    [[ $# -eq 2 ]] || usage
    build "$2"
    ;;
  --artifact)
    [[ $# -ge 2 ]] || usage
    dir=$2
    shift 2
    verify "$dir"
    deploy "$dir" "$@"
    ;;
  -h | --help) usage ;;
  *)
    build dist/sam
    verify dist/sam
    deploy dist/sam "$@"
    ;;
esac
