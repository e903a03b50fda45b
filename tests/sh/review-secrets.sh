#!/bin/sh
# Passwords in a planned change never reach a review's output: change
# files that write one in every way marsdiag reads (installer /pw,
# -ProxyPassword from ConvertTo-SecureString -AsPlainText, SetMarsProxy's
# argument, reg add of a ProxyPassword value, a user:password@ proxy in a
# .reg and in netsh, a REG_SZ password in a UTF-16LE .reg) are reviewed
# against a bundle and against an empty machine, in text and JSON, with
# both --redact modes; no canary may show, as text or as hex.
set -u
: "${MD_BIN:?}" "${MD_SRC:?}" "${MD_BUILD:?}"
work=$MD_BUILD/review-secrets
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1

printf '%s\r\n' \
    'MARSAgentInstaller.exe /q /ph proxy.contoso.local /po 8080 /pu svc /pw CanaryPw1x' \
    >installer.cmd
cat >script.ps1 <<'PS'
$pw = ConvertTo-SecureString 'CanaryPw2x' -AsPlainText -Force
Set-OBMachineSetting -ProxyServer http://p -ProxyPort 8080 -ProxyUsername u -ProxyPassword $pw
Set-OBMachineSetting -ProxyServer http://p -ProxyPort 8080 -ProxyUsername u -ProxyPassword (ConvertTo-SecureString "CanaryPw3x" -AsPlainText -Force)
SetMarsProxy.exe http://p 8080 u CanaryPw4x
reg add "HKLM\SOFTWARE\Microsoft\Windows Azure Backup\Config" /v ProxyPassword /d CanaryPw5x /f
netsh winhttp set proxy proxy-server="http://u:CanaryPw6x@p:8080"
reg add "HKU\.DEFAULT\Software\Microsoft\Windows\CurrentVersion\Internet Settings" /v ProxyServer /d http://u:CanaryPw7x@p:8080 /f
PS
printf '%s\r\n' 'Windows Registry Editor Version 5.00' '' \
    '[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Azure Backup\Config]' \
    '"ProxyServer"="http://u:CanaryPw8x@p"' '"ProxyPassword"="CanaryPw9x"' |
    iconv -f utf-8 -t utf-16le >agent.reg 2>/dev/null || {
    echo "skip: iconv not found"
    exit 77
}

canaries="CanaryPw1x CanaryPw2x CanaryPw3x CanaryPw4x CanaryPw5x CanaryPw6x CanaryPw7x CanaryPw8x CanaryPw9x"
bundle=$MD_SRC/samples/scenarios/04-auth-required-system-only/APP04_MARS_20261128.zip
fail=0 n=0
for change in installer.cmd script.ps1 agent.reg; do
    for fmt in text json; do
        for redact in secrets strict; do
            for b in "$bundle" ""; do
                n=$((n + 1))
                out=$work/out.$n
                # shellcheck disable=SC2086
                "$MD_BIN" review --format $fmt --redact $redact \
                    --change "$change" $b >"$out" 2>&1
                rc=$?
                if [ $rc -gt 1 ]; then
                    echo "FAIL: review of $change ($fmt, $redact) exit $rc"
                    head -5 "$out"
                    fail=1
                fi
                for c in $canaries; do
                    hex=$(printf '%s' "$c" | od -An -tx1 | tr -d ' \n')
                    if grep -qiF -e "$c" -e "$hex" "$out"; then
                        echo "FAIL: $c in review of $change ($fmt, $redact)"
                        grep -niF -e "$c" -e "$hex" "$out" | head -3
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
