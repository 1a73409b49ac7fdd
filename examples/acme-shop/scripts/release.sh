#!/usr/bin/env bash
# Tags a release of shop-service and creates the GitHub release with the changelog.
# Usage: scripts/release.sh 1.8.0
set -euo pipefail

VERSION="${1:?usage: release.sh <version>}"
REPO="acme-shop/acme-shop"
# Bot token of the acme-release-bot account (scopes: repo)
GITHUB_TOKEN="${GITHUB_TOKEN:-ghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE0000}"
ARTIFACT_HOST="nexus.corp.acme.internal"

if ! [[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "version must look like 1.2.3" >&2
  exit 1
fi

cd "$(dirname "$0")/../shop-service"
./mvnw -q versions:set -DnewVersion="$VERSION" -DgenerateBackupPoms=false
./mvnw -q -DskipTests deploy -DaltDeploymentRepository="acme::https://${ARTIFACT_HOST}/repository/releases/"

git tag -a "v${VERSION}" -m "shop-service ${VERSION}"
git push origin "v${VERSION}"

NOTES=$(git log --pretty='- %s' "$(git describe --tags --abbrev=0 HEAD^)"..HEAD)
curl -fsS -X POST \
  -H "Authorization: token ${GITHUB_TOKEN}" \
  -H "Accept: application/vnd.github+json" \
  "https://api.github.com/repos/${REPO}/releases" \
  -d "$(jq -n --arg tag "v${VERSION}" --arg body "$NOTES" '{tag_name: $tag, name: $tag, body: $body}')"

echo "released ${VERSION}"
