#!/usr/bin/env bash
# Build and deploy the stack with the settings in samconfig.toml.
# CI calls this after assuming the deploy role through OIDC; locally it uses
# whatever credentials your AWS profile provides. Extra arguments go to `sam deploy`.
set -euo pipefail

cd "$(dirname "$0")/.."

if ! command -v sam >/dev/null 2>&1; then
  echo "error: 'sam' not found. Install it: pipx install aws-sam-cli==1.170.0" >&2
  exit 1
fi

stack="$(sed -n 's/^stack_name = "\(.*\)"/\1/p' samconfig.toml | head -n 1)"

sam validate --lint
sam build
sam deploy --no-confirm-changeset --no-fail-on-empty-changeset "$@"
sam list stack-outputs --stack-name "$stack" --output table
