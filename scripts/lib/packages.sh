# Debian packages the registry and its tests need besides the .NET SDK. Source this file, then:
#   ensure_debian_packages fonts-lxgw-wenkai qpdf ...
# Each package is installed only when it is missing (needs root or sudo the first time).

ensure_debian_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}..."
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The CJK font licenses are rendered with (SIL OFL): Debian's fonts-lxgw-wenkai.
ELIC_FONT_PACKAGE=fonts-lxgw-wenkai
