#!/bin/sh
# Passwords in a planned change never reach a review's output: change
# files that write one in every way marsdiag reads (installer /pw,
# -ProxyPassword from ConvertTo-SecureString -AsPlainText, SetMarsProxy's
# argument, reg add of a ProxyPassword value, a user:password@ proxy in a
# .reg and in netsh, a REG_SZ password in a UTF-16LE .reg) are reviewed
# against a bundle and against an empty machine, in every format (text on
# standard output, json, md, html and sarif by --output in the same run),
# with both --redact modes; no canary may show, as text or as hex. The
# change files also name a proxy host, a domain and a user: --redact
# strict must replace them in every format (secrets mode shows them, in
# every format of the installer's review, or the check would prove
# nothing).
set -u
: "${MD_BIN:?}" "${MD_SRC:?}" "${MD_BUILD:?}"
work=$MD_BUILD/review-secrets
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1

printf '%s\r\n' \
    'MARSAgentInstaller.exe /q /ph proxy-canary.canarycorp.local /po 8080 /pu CANARYDOM\canaryuser /pw CanaryPw1x' \
    >installer.cmd
cat >script.ps1 <<'PS'
$pw = ConvertTo-SecureString 'CanaryPw2x' -AsPlainText -Force
Set-OBMachineSetting -ProxyServer http://proxy-canary.canarycorp.local -ProxyPort 8080 -ProxyUsername canaryuser -ProxyPassword $pw
Set-OBMachineSetting -ProxyServer http://p -ProxyPort 8080 -ProxyUsername u -ProxyPassword (ConvertTo-SecureString "CanaryPw3x" -AsPlainText -Force)
SetMarsProxy.exe http://p 8080 u CanaryPw4x
reg add "HKLM\SOFTWARE\Microsoft\Windows Azure Backup\Config" /v ProxyPassword /d CanaryPw5x /f
netsh winhttp set proxy proxy-server="http://u:CanaryPw6x@p:8080"
reg add "HKU\.DEFAULT\Software\Microsoft\Windows\CurrentVersion\Internet Settings" /v ProxyServer /d http://u:CanaryPw7x@p:8080 /f
PS
printf '%s\r\n' 'Windows Registry Editor Version 5.00' '' \
    '[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Azure Backup\Config]' \
    '"ProxyServer"="http://u:CanaryPw8x@proxy-canary.canarycorp.local"' \
    '"ProxyPassword"="CanaryPw9x"' |
    iconv -f utf-8 -t utf-16le >agent.reg 2>/dev/null || {
    echo "skip: iconv not found"
    exit 77
}

canaries="CanaryPw1x CanaryPw2x CanaryPw3x CanaryPw4x CanaryPw5x CanaryPw6x CanaryPw7x CanaryPw8x CanaryPw9x"
bundle=$MD_SRC/samples/scenarios/04-auth-required-system-only/APP04_MARS_20261128.zip
names="proxy-canary canarycorp CANARYDOM canaryuser"
fail=0 n=0
for change in installer.cmd script.ps1 agent.reg; do
    for redact in secrets strict; do
        for b in "$bundle" ""; do
            n=$((n + 1))
            out=$work/out.$n
            mkdir -p "$out"
            # shellcheck disable=SC2086
            "$MD_BIN" review --redact $redact --output json:"$out/r.json" \
                --output md:"$out/r.md" --output html:"$out/r.html" \
                --output sarif:"$out/r.sarif" --change "$change" $b \
                >"$out/r.txt" 2>"$out/stderr"
            rc=$?
            if [ $rc -gt 1 ]; then
                echo "FAIL: review of $change ($redact) exit $rc"
                head -5 "$out/stderr"
                fail=1
            fi
            for fmt in txt json md html sarif; do
                f=$out/r.$fmt
                [ -s "$f" ] || { echo "FAIL: no $fmt for $change"; fail=1; }
                for c in $canaries; do
                    hex=$(printf '%s' "$c" | od -An -tx1 | tr -d ' \n')
                    if grep -qiF -e "$c" -e "$hex" "$f"; then
                        echo "FAIL: $c in review of $change ($fmt, $redact)"
                        grep -niF -e "$c" -e "$hex" "$f" | head -3
                        fail=1
                    fi
                done
                for c in $names; do
                    if [ $redact = strict ] && grep -qiF -e "$c" "$f"; then
                        echo "FAIL: $c in review of $change ($fmt, strict)"
                        grep -niF -e "$c" "$f" | head -3
                        fail=1
                    elif [ $redact = secrets ] && [ $change = installer.cmd ] &&
                        ! grep -qiF -e "$c" "$f"; then
                        echo "FAIL: $c not in review of $change ($fmt, secrets)"
                        fail=1
                    fi
                done
            done
        done
    done
done
# The passwords were seen (and masked), not missed: MP020 cites them.
"$MD_BIN" review --change script.ps1 >"$work/mp020" 2>&1
grep -q MP020 "$work/mp020" || { echo "FAIL: no MP020 for script.ps1"; fail=1; }
[ $fail -eq 0 ] && echo "$n passed, 0 failed"
exit $fail
