# Finds a JDK 21 or newer and prints its home directory; prints nothing if there is none.
# Sourced by bin/gatehouse and .ci/run. Looks at GATEHOUSE_JAVA_HOME, JAVA_HOME, the java on PATH,
# then the usual install locations (Debian/Ubuntu, RPM, SDKMAN!, macOS).

gatehouse_java_major() {
  # Prints the feature version of the java at $1 (17, 21, 25, ...).
  local version
  version=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
  case "$version" in
    1.*) echo "${version#1.}" | cut -d. -f1 ;;
    "") echo 0 ;;
    *) echo "$version" | cut -d. -f1 ;;
  esac
}

gatehouse_find_jdk() {
  local candidates=() dir
  [ -n "${GATEHOUSE_JAVA_HOME:-}" ] && candidates+=("$GATEHOUSE_JAVA_HOME")
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for dir in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
             /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$dir" ] && candidates+=("$dir")
  done
  for dir in "${candidates[@]}"; do
    if [ -x "$dir/bin/java" ] && [ -x "$dir/bin/javac" ] && [ "$(gatehouse_java_major "$dir/bin/java")" -ge 21 ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}
