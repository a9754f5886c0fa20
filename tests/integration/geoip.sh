#!/bin/sh
# GeoIP/ASN enrichment: builds a country and an ASN database at test time
# with libmaxmind-db-writer-perl, then checks srcCountry/dstCountry,
# srcAS/dstAS and srcASOrg/dstASOrg in text, -L and JSON output, and the AS
# numbers that NetFlow v5 export puts in src_as/dst_as (read back with a
# real nfcapd/nfdump), for a hand-made capture (IPv4 and IPv6 samples) and
# for a generated one.
: "${BIN:?}"
for t in perl jq; do
    command -v $t >/dev/null 2>&1 || { echo "no $t"; exit 77; }
done
perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null ||
    { echo "no MaxMind::DB::Writer (libmaxmind-db-writer-perl)"; exit 77; }
tmp=$(mktemp -d /tmp/sflowkit-geoip.XXXXXX)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    [ -n "$KEEP" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail=0

# ---- Databases: GeoLite2-Country-like and GeoLite2-ASN-like records. ----
cat >"$tmp/mkdb.pl" <<'EOF'
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my ($country_file, $asn_file) = @ARGV;
my %types = (
    country => 'map', registered_country => 'map', iso_code => 'utf8_string',
    names => 'map', en => 'utf8_string',
    autonomous_system_number => 'uint32',
    autonomous_system_organization => 'utf8_string',
);
my @nets = (
    # network, country, registered-only?, ASN, organisation
    [ '192.0.2.0/24',    'NL', 0, 64496,      'Documentation Net One' ],
    [ '198.51.100.0/24', 'SE', 1, 64497,      'Documentation Net Two' ],   # registered_country only
    [ '45.90.161.0/24',  'CH', 0, 4200000001, 'Four Byte "AS" Org' ],
    [ '172.16.0.0/12',   'DE', 0, 64500,      'Private Twelve' ],
    [ '2001:db8::/32',   'JP', 0, 64511,      'Documentation Six' ],
);
sub tree {
    my ($type) = @_;
    return MaxMind::DB::Writer::Tree->new(
        ip_version => 6, record_size => 28, database_type => $type,
        languages => ['en'], description => { en => "sflowkit test $type" },
        map_key_type_callback => sub { $types{ $_[0] } },
        remove_reserved_networks => 0,
    );
}
my $c = tree('GeoLite2-Country');
my $a = tree('GeoLite2-ASN');
for my $n (@nets) {
    my ($net, $cc, $reg, $asn, $org) = @$n;
    my $where = $reg ? 'registered_country' : 'country';
    $c->insert_network($net, { $where => { iso_code => $cc, names => { en => $cc } } });
    $a->insert_network($net, { autonomous_system_number => $asn,
        autonomous_system_organization => $org });
}
for ([ $c, $country_file ], [ $a, $asn_file ]) {
    open(my $fh, '>:raw', $_->[1]) or die "$_->[1]: $!";
    $_->[0]->write_tree($fh);
    close($fh) or die "$_->[1]: $!";
}
EOF
perl "$tmp/mkdb.pl" "$tmp/country.mmdb" "$tmp/asn.mmdb" || { echo "FAIL building mmdb"; exit 1; }

# ---- A capture: IPv4 samples (0:3) and an IPv6 sample (0:4). ----
cat >"$tmp/mkpcap.pl" <<'EOF'
use strict;
use warnings;
sub ip4 { pack('C4', split(/\./, $_[0])) }
sub sample {
    my ($seq, $rec_tag, $rec) = @_;
    my $body = pack('N8', $seq, 7, 100, 100 * $seq, 0, 3, 4, 1) .
        pack('N2', $rec_tag, length($rec)) . $rec;
    return pack('N2', 1, length($body)) . $body;
}
my $r4 = pack('N2', 540, 6) . ip4('192.0.2.10') . ip4('45.90.161.5') .
    pack('N4', 40000, 443, 0x18, 0);
my $r6 = pack('N2', 1300, 17) .
    pack('n8', 0x2001, 0xdb8, 0, 0, 0, 0, 0, 1) .
    pack('n8', 0x2001, 0xdb8, 0, 0, 0, 0, 0, 2) . pack('N4', 5353, 53, 0, 0);
my $r4b = pack('N2', 100, 1) . ip4('198.51.100.7') . ip4('192.0.2.99') .
    pack('N4', 0, 0x0800, 0, 0);
my $dg = pack('N2', 5, 1) . ip4('10.0.0.1') . pack('N4', 0, 1, 1000, 3) .
    sample(1, 3, $r4) . sample(2, 4, $r6) . sample(3, 3, $r4b);
my $udp = pack('n4', 50000, 6343, 8 + length($dg), 0) . $dg;
my $ip = pack('CCnnnCCn', 0x45, 0, 20 + length($udp), 1, 0, 64, 17, 0) .
    ip4('192.0.2.1') . ip4('192.0.2.2');
my $frame = pack('H12H12n', '020000000002', '020000000001', 0x0800) . $ip . $udp;
binmode(STDOUT);
print pack('LSSlLLL', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1);
print pack('LLLL', 1700000000, 0, length($frame), length($frame)) . $frame;
EOF
perl "$tmp/mkpcap.pl" >"$tmp/hand.pcap" || { echo "FAIL building pcap"; exit 1; }
"$BIN/sfgen" -n 100 --seed 11 -w "$tmp/gen.pcap" 2>/dev/null || { echo "sfgen failed"; exit 1; }

geo="--geoip-country $tmp/country.mmdb --geoip-asn $tmp/asn.mmdb"

# ---- Text. ----
# shellcheck disable=SC2086
"$BIN/sflowcollect" -r "$tmp/hand.pcap" $geo >"$tmp/text" 2>"$tmp/err" ||
    { echo "FAIL text run"; cat "$tmp/err"; fail=1; }
for line in "srcCountry NL" "dstCountry CH" "srcAS 64496" "dstAS 4200000001" \
    "srcASOrg Documentation Net One" 'dstASOrg Four Byte "AS" Org' \
    "srcCountry JP" "dstCountry JP" "srcAS 64511" "dstASOrg Documentation Six" \
    "srcCountry SE" "srcAS 64497" "dstCountry NL"; do
    grep -F -x -q "$line" "$tmp/text" || { echo "FAIL text: no line '$line'"; fail=1; }
done
[ "$(grep -c Country "$tmp/text")" = 6 ] || { echo "FAIL text: want 6 country lines"; cat "$tmp/text"; fail=1; }
"$BIN/sflowcollect" -r "$tmp/hand.pcap" >"$tmp/plain" 2>/dev/null
grep -q "Country\|ASOrg" "$tmp/plain" && { echo "FAIL text without databases has GeoIP fields"; fail=1; }
# The enrichment adds lines and changes none.
grep -v "^src\(Country\|AS\|ASOrg\) \|^dst\(Country\|AS\|ASOrg\) " "$tmp/text" | cmp -s - "$tmp/plain" ||
    { echo "FAIL text: enrichment changed other lines"; fail=1; }

# One database alone works.
# shellcheck disable=SC2086
"$BIN/sflowcollect" -r "$tmp/gen.pcap" --geoip-asn "$tmp/asn.mmdb" -L srcIP,srcAS,srcCountry \
    >"$tmp/asnonly" 2>"$tmp/err" || { echo "FAIL asn-only run"; cat "$tmp/err"; fail=1; }
grep -q "^172\.\(1[6-9]\|2[0-9]\|3[01]\)\..*,64500,$" "$tmp/asnonly" ||
    { echo "FAIL -L with the ASN database only"; head "$tmp/asnonly"; fail=1; }

# ---- -L fields. ----
# shellcheck disable=SC2086
"$BIN/sflowcollect" -r "$tmp/hand.pcap" $geo \
    -L srcIP,dstIP,srcCountry,dstCountry,srcAS,dstAS,srcASOrg,dstASOrg,srcIP6 >"$tmp/fields" 2>&1
grep -F -x -q '192.0.2.10,45.90.161.5,NL,CH,64496,4200000001,Documentation Net One,Four Byte "AS" Org,' \
    "$tmp/fields" || { echo "FAIL -L IPv4 line"; cat "$tmp/fields"; fail=1; }
grep -q '^,,JP,JP,64511,64511,Documentation Six,Documentation Six,2001:' "$tmp/fields" ||
    { echo "FAIL -L IPv6 line"; cat "$tmp/fields"; fail=1; }

# Generated traffic: every sample from 172.16/12 says DE, every other none.
# shellcheck disable=SC2086
"$BIN/sflowcollect" -r "$tmp/gen.pcap" $geo -L srcIP,srcCountry,srcAS >"$tmp/genf" 2>&1
n_de=$(grep -c '^172\.\(1[6-9]\|2[0-9]\|3[01]\)\.[0-9.]*,DE,64500$' "$tmp/genf")
n_172=$(grep -c '^172\.\(1[6-9]\|2[0-9]\|3[01]\)\.' "$tmp/genf")
[ "$n_de" -gt 0 ] && [ "$n_de" = "$n_172" ] ||
    { echo "FAIL generated: $n_de of $n_172 samples from 172.16/12 enriched"; fail=1; }
bad=$(grep -v '^172\.\(1[6-9]\|2[0-9]\|3[01]\)\.\|^45\.90\.161\.\|^192\.0\.2\.\|^198\.51\.100\.' "$tmp/genf" |
    grep -c -v ',,$')
[ "$bad" = 0 ] || { echo "FAIL generated: $bad samples outside the databases enriched"; fail=1; }

# ---- JSON: numbers unquoted, strings escaped, valid. ----
# shellcheck disable=SC2086
"$BIN/sflowcollect" -r "$tmp/hand.pcap" $geo -j >"$tmp/json" 2>&1
jq -e '.samples[0] | .srcCountry == "NL" and .dstCountry == "CH" and .srcAS == 64496
    and .dstAS == 4200000001 and .dstASOrg == "Four Byte \"AS\" Org"' "$tmp/json" >/dev/null ||
    { echo "FAIL JSON IPv4 sample"; cat "$tmp/json"; fail=1; }
jq -e '.samples[1] | .srcCountry == "JP" and .srcAS == 64511 and (.elements | length) == 1' \
    "$tmp/json" >/dev/null || { echo "FAIL JSON IPv6 sample"; cat "$tmp/json"; fail=1; }

# ---- Errors. ----
"$BIN/sflowcollect" -r "$tmp/hand.pcap" --geoip-country "$tmp/missing.mmdb" >/dev/null 2>"$tmp/err" &&
    { echo "FAIL a missing database is accepted"; fail=1; }
grep -q "missing.mmdb" "$tmp/err" || { echo "FAIL no message naming the missing file"; cat "$tmp/err"; fail=1; }
echo "not a database" >"$tmp/bad.mmdb"
"$BIN/sflowcollect" -r "$tmp/hand.pcap" --geoip-asn "$tmp/bad.mmdb" -q -c 127.0.0.1 >/dev/null 2>"$tmp/err" &&
    { echo "FAIL a bad database is accepted"; fail=1; }

# ---- NetFlow v5 AS numbers (no gateway record in these samples). ----
if command -v nfcapd >/dev/null 2>&1 && command -v nfdump >/dev/null 2>&1; then
    port=$((30000 + ($$ + 7) % 20000))
    mkdir "$tmp/nf"
    nfcapd -b 127.0.0.1 -p $port -w "$tmp/nf" >"$tmp/nfcapd.log" 2>&1 &
    pid=$!
    sleep 0.5
    for f in hand gen; do
        # shellcheck disable=SC2086
        "$BIN/sflowcollect" -r "$tmp/$f.pcap" $geo -q --stats -c 127.0.0.1 -d $port \
            2>"$tmp/nf-$f.stats" || { echo "FAIL export $f"; cat "$tmp/nf-$f.stats"; fail=1; }
    done
    sleep 0.5
    kill -TERM $pid
    wait $pid
    pid=
    nfdump -R "$tmp/nf" -q -N -c 1000000 -o "fmt:%sa %da %sas %das" 2>/dev/null |
        awk '{$1=$1; print}' >"$tmp/nf.txt"
    # 4200000001 does not fit 16 bits: AS_TRANS (RFC 6793).
    grep -F -x -q "192.0.2.10 45.90.161.5 64496 23456" "$tmp/nf.txt" ||
        { echo "FAIL NetFlow AS numbers"; head "$tmp/nf.txt"; fail=1; }
    n=$(grep -c '^172\.\(1[6-9]\|2[0-9]\|3[01]\)\.[0-9.]* [0-9.]* 64500 ' "$tmp/nf.txt")
    m=$(grep -c '^172\.\(1[6-9]\|2[0-9]\|3[01]\)\.' "$tmp/nf.txt")
    [ "$n" -gt 0 ] && [ "$n" = "$m" ] || { echo "FAIL NetFlow src_as: $n of $m"; fail=1; }
    grep -q "geoip lookups [1-9][0-9]* cache_hits [1-9]" "$tmp/nf-gen.stats" ||
        { echo "FAIL no cache hits reported"; cat "$tmp/nf-gen.stats"; fail=1; }
else
    echo "no nfcapd: NetFlow AS numbers not checked"
fi
[ $fail = 0 ] && echo "geoip: ok"
exit $fail
