package dev.dolly.agent.masking;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognizes personal data by column name and by value. Pure functions; the coverage gate feeds
 * them the catalog and sampled values.
 */
public final class PiiDetector {

    private PiiDetector() {}

    // ---------------------------------------------------------------- by name

    private static final Set<String> EMAIL = Set.of("email", "mail", "emailaddress", "emailaddr", "email1", "email2");
    private static final Set<String> PHONE = Set.of("phone", "mobile", "telephone", "tel", "fax", "cell",
            "cellphone", "msisdn", "phonenumber", "mobilenumber", "phone1", "phone2", "telefon", "telefono");
    private static final Set<String> PERSON = Set.of("firstname", "lastname", "surname", "fullname", "givenname",
            "familyname", "middlename", "maidenname", "forename", "fname", "lname", "contactname", "customername",
            "personname", "ownername", "recipientname", "holdername", "cardholder", "cardholdername", "patientname",
            "employeename", "username", "displayname", "billingname", "shippingname", "nickname", "nachname",
            "vorname", "nom", "prenom");
    private static final Set<String> ADDRESS = Set.of("address", "addr", "street", "streetaddress", "addressline",
            "addressline1", "addressline2", "address1", "address2", "postcode", "zipcode", "zip", "postalcode",
            "billingaddress", "shippingaddress", "homeaddress", "mailingaddress", "strasse", "adresse");
    private static final Set<String> BIRTH = Set.of("birth", "birthday", "birthdate", "dob", "born",
            "dateofbirth", "birthdt", "geburtsdatum");
    private static final Set<String> NATIONAL = Set.of("ssn", "sin", "nin", "nino", "passport", "passportnumber",
            "passportno", "nationalid", "nationalidentifier", "taxid", "tin", "socialsecurity",
            "socialsecuritynumber", "personnummer", "aadhaar", "cpf", "bsn", "pesel", "driverslicense",
            "driverlicense", "licensenumber", "idnumber", "idcard", "steuerid", "nif", "dni");
    private static final Set<String> IBAN_N = Set.of("iban", "bankaccount", "accountnumber", "bankaccountnumber",
            "routingnumber", "sortcode", "bic");
    private static final Set<String> CARD_N = Set.of("pan", "ccnumber", "cardnumber", "creditcard",
            "creditcardnumber", "ccnum", "cc", "cardno", "cvv", "cvc");
    private static final Set<String> IP = Set.of("ip", "ipaddress", "ipaddr", "remoteaddr", "remoteip", "clientip",
            "clientaddr", "lastip", "signupip", "loginip", "ipv4", "ipv6", "xforwardedfor");

    /** Split a column name into lower-case words: {@code dateOfBirth} → date, of, birth; {@code ip_addr} → ip, addr. */
    static List<String> words(String column) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < column.length(); i++) {
            char c = column.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                flush(cur, out);
                continue;
            }
            if (Character.isUpperCase(c) && cur.length() > 0
                    && (Character.isLowerCase(cur.charAt(cur.length() - 1))
                        || (i + 1 < column.length() && Character.isLowerCase(column.charAt(i + 1))
                            && Character.isUpperCase(cur.charAt(cur.length() - 1))))) {
                flush(cur, out);
            }
            cur.append(Character.toLowerCase(c));
        }
        flush(cur, out);
        return out;
    }

    private static void flush(StringBuilder cur, List<String> out) {
        if (cur.length() > 0) {
            out.add(cur.toString());
            cur.setLength(0);
        }
    }

    /** The kind a column name suggests, if any. */
    public static Optional<PiiKind> byName(String column) {
        List<String> w = words(column);
        Set<String> grams = new HashSet<>(w);
        for (int i = 0; i < w.size(); i++) {
            StringBuilder b = new StringBuilder(w.get(i));
            for (int j = i + 1; j < Math.min(w.size(), i + 4); j++) {
                b.append(w.get(j));
                grams.add(b.toString());
            }
        }
        // order matters: "email_address" is an email, "ip_address" an IP, "address" an address
        if (hits(grams, EMAIL)) {
            return Optional.of(PiiKind.EMAIL);
        }
        if (hits(grams, IP)) {
            return Optional.of(PiiKind.IP_ADDRESS);
        }
        if (hits(grams, CARD_N)) {
            return Optional.of(PiiKind.CARD);
        }
        if (hits(grams, IBAN_N)) {
            return Optional.of(PiiKind.IBAN);
        }
        if (hits(grams, NATIONAL)) {
            return Optional.of(PiiKind.NATIONAL_ID);
        }
        if (hits(grams, BIRTH)) {
            return Optional.of(PiiKind.BIRTH_DATE);
        }
        if (hits(grams, PHONE)) {
            return Optional.of(PiiKind.PHONE);
        }
        if (hits(grams, PERSON)) {
            return Optional.of(PiiKind.PERSON_NAME);
        }
        if (hits(grams, ADDRESS)) {
            return Optional.of(PiiKind.ADDRESS);
        }
        return Optional.empty();
    }

    private static boolean hits(Set<String> grams, Set<String> words) {
        for (String g : grams) {
            if (words.contains(g)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- by value

    private static final Pattern EMAIL_RE = Pattern.compile("^[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$");
    private static final Pattern EMAIL_FIND = Pattern.compile("[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final Pattern PHONE_RE = Pattern.compile(
            "^(\\+\\d{1,3}[ .-]?)?(\\(\\d{1,5}\\)[ .-]?)?\\d{2,5}([ .-]\\d{2,8}){1,4}$|^\\+\\d{7,15}$");
    private static final Pattern PHONE_FIND = Pattern.compile("(?<![\\d.])\\+?\\(?\\d{2,4}\\)?[ .-]\\d{3,4}[ .-]\\d{3,5}(?![\\d.])");
    private static final Pattern DATE_LIKE = Pattern.compile("^\\d{4}[-./]\\d{1,2}[-./]\\d{1,2}|^\\d{1,2}[-./]\\d{1,2}[-./]\\d{2,4}$");
    private static final Pattern SSN_RE = Pattern.compile("\\b\\d{3}-\\d{2}-\\d{4}\\b");
    private static final Pattern NINO_RE = Pattern.compile("^[A-CEGHJ-PR-TW-Z]{2} ?\\d{2} ?\\d{2} ?\\d{2} ?[A-D]$");
    private static final Pattern IPV4_RE = Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(/\\d{1,2})?$");
    private static final Pattern IPV4_FIND = Pattern.compile("(?<![\\d.])(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?![\\d.])");
    private static final Pattern IPV6_RE = Pattern.compile("^(?=.*:.*:)[0-9A-Fa-f:]{2,39}(/\\d{1,3})?$");
    private static final Pattern CARD_FIND = Pattern.compile("(?<!\\d)(?:\\d[ -]?){12,18}\\d(?!\\d)");
    private static final Pattern IBAN_FIND = Pattern.compile("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){11,30}\\b");
    private static final Pattern NAME_WORD = Pattern.compile("^\\p{Lu}[\\p{Ll}'’-]+\\.?$|^\\p{Lu}'\\p{Lu}\\p{Ll}+$");
    private static final Pattern NAME_ANY_CASE = Pattern.compile("^\\p{L}[\\p{L}'’-]+$");
    private static final Pattern ADDRESS_RE = Pattern.compile(
            "(^|\\s)\\d{1,6}[A-Za-z]?,?\\s+(\\S+\\s+){0,4}(street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd"
            + "|way|court|ct|place|pl|terrace|circle|parkway|highway|hwy|square|sq)\\b\\.?"
            + "|\\b\\p{L}+(strasse|straße|str\\.|weg|gasse|platz|allee|straat|laan)\\s*\\d+"
            + "|\\b(rue|avenue|via|calle|avenida|boulevard)\\s+\\p{L}+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    /** Given and family names: the fake generator's own lists plus broader lists of common names (resources). */
    private static final Set<String> FIRST_NAMES = names(Fakes.FIRST, "given-names.txt");
    private static final Set<String> LAST_NAMES = names(Fakes.LAST, "family-names.txt");
    private static final Pattern INITIAL = Pattern.compile("^\\p{L}\\.$");

    private static Set<String> names(String[] fakes, String resource) {
        Set<String> s = new HashSet<>();
        for (String x : fakes) {
            s.add(x.toLowerCase(Locale.ROOT));
        }
        try (InputStream in = PiiDetector.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.startsWith("#")) {
                    for (String w : line.trim().split("\\s+")) {
                        if (!w.isEmpty()) {
                            s.add(w.toLowerCase(Locale.ROOT));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s;
    }

    /** The kind a whole value is, if it is one (an email address, a phone number, …). */
    public static Optional<PiiKind> whole(String v) {
        String s = v.trim();
        if (s.isEmpty() || s.length() > 200) {
            return Optional.empty();
        }
        if (EMAIL_RE.matcher(s).matches()) {
            return Optional.of(PiiKind.EMAIL);
        }
        if (isIp(s)) {
            return Optional.of(PiiKind.IP_ADDRESS);
        }
        if (isIban(s)) {
            return Optional.of(PiiKind.IBAN);
        }
        if (isCard(s)) {
            return Optional.of(PiiKind.CARD);
        }
        if (SSN_RE.matcher(s).matches() || NINO_RE.matcher(s).matches()) {
            return Optional.of(PiiKind.NATIONAL_ID);
        }
        if (isPhone(s)) {
            return Optional.of(PiiKind.PHONE);
        }
        if (isPersonName(s)) {
            return Optional.of(PiiKind.PERSON_NAME);
        }
        if (ADDRESS_RE.matcher(s).find() && s.length() < 120) {
            return Optional.of(PiiKind.ADDRESS);
        }
        return Optional.empty();
    }

    /** Kinds found inside free text (an email in a note, a card number in a comment). */
    public static Set<PiiKind> embedded(String v) {
        Set<PiiKind> out = new HashSet<>();
        if (v.indexOf('@') >= 0 && EMAIL_FIND.matcher(v).find()) {
            out.add(PiiKind.EMAIL);
        }
        if (SSN_RE.matcher(v).find()) {
            out.add(PiiKind.NATIONAL_ID);
        }
        Matcher c = CARD_FIND.matcher(v);
        while (c.find()) {
            if (isCard(c.group())) {
                out.add(PiiKind.CARD);
                break;
            }
        }
        Matcher ib = IBAN_FIND.matcher(v);
        while (ib.find()) {
            if (isIban(ib.group())) {
                out.add(PiiKind.IBAN);
                break;
            }
        }
        if (PHONE_FIND.matcher(v).find()) {
            out.add(PiiKind.PHONE);
        }
        Matcher ip = IPV4_FIND.matcher(v);
        while (ip.find()) {
            if (octets(ip)) {
                out.add(PiiKind.IP_ADDRESS);
                break;
            }
        }
        return out;
    }

    static boolean isPhone(String s) {
        if (DATE_LIKE.matcher(s).find() || IPV4_RE.matcher(s).matches()) {
            return false;
        }
        if (!PHONE_RE.matcher(s).matches()) {
            return false;
        }
        int digits = 0;
        for (int i = 0; i < s.length(); i++) {
            if (Character.isDigit(s.charAt(i))) {
                digits++;
            }
        }
        return digits >= 7 && digits <= 15;
    }

    static boolean isIp(String s) {
        Matcher m = IPV4_RE.matcher(s);
        if (m.matches()) {
            return octets(m);
        }
        return IPV6_RE.matcher(s).matches() && s.chars().filter(c -> c == ':').count() >= 2
                && s.chars().anyMatch(Character::isDigit);
    }

    private static boolean octets(Matcher m) {
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }

    static boolean isCard(String s) {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                d.append(c);
            } else if (c != ' ' && c != '-') {
                return false;
            }
        }
        if (d.length() < 13 || d.length() > 19 || d.chars().distinct().count() < 2) {
            return false;
        }
        int sum = 0;
        boolean dbl = false;
        for (int i = d.length() - 1; i >= 0; i--) {
            int x = d.charAt(i) - '0';
            if (dbl) {
                x *= 2;
                if (x > 9) {
                    x -= 9;
                }
            }
            sum += x;
            dbl = !dbl;
        }
        return sum % 10 == 0;
    }

    static boolean isIban(String s) {
        String t = s.replace(" ", "").toUpperCase(Locale.ROOT);
        if (t.length() < 15 || t.length() > 34 || !t.matches("[A-Z]{2}\\d{2}[A-Z0-9]+")) {
            return false;
        }
        String r = t.substring(4) + t.substring(0, 4);
        int mod = 0;
        for (int i = 0; i < r.length(); i++) {
            char c = r.charAt(i);
            int v = Character.isDigit(c) ? c - '0' : c - 'A' + 10;
            mod = v >= 10 ? (mod * 100 + v) % 97 : (mod * 10 + v) % 97;
        }
        return mod == 1;
    }

    /**
     * A person's name in any case: one to four name words ({@code Jane Doe}, {@code JANE DOE},
     * {@code jane doe}, {@code J. Nakamura}) or {@code Doe, Jane}, with a known given name first or a
     * known family name last (all lower case: only a known given name first counts).
     */
    static boolean isPersonName(String s) {
        int comma = s.indexOf(',');
        if (comma > 0 && s.indexOf(',', comma + 1) < 0) {
            // "Family, Given"
            String fam = s.substring(0, comma).trim();
            String given = s.substring(comma + 1).trim();
            return nameWords(fam) && nameWords(given) && given.split("\\s+").length <= 2 && fam.split("\\s+").length <= 2
                    && (LAST_NAMES.contains(fam.toLowerCase(Locale.ROOT)) || FIRST_NAMES.contains(given.split("\\s+")[0].toLowerCase(Locale.ROOT)));
        }
        String[] parts = s.split("\\s+");
        if (parts.length < 1 || parts.length > 4 || !nameWords(s)) {
            return false;
        }
        String first = parts[0].toLowerCase(Locale.ROOT);
        String last = parts[parts.length - 1].toLowerCase(Locale.ROOT);
        if (parts.length == 1) {
            return FIRST_NAMES.contains(first) && !LAST_NAMES.contains(first);
        }
        if (FIRST_NAMES.contains(first)) {
            return true;
        }
        boolean lowerCase = s.equals(s.toLowerCase(Locale.ROOT));
        return !lowerCase && LAST_NAMES.contains(last) && parts.length <= 3;
    }

    /** Every word a name word (letters, apostrophes, hyphens; an initial like "J."), all in one case style. */
    private static boolean nameWords(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        String upper = s.toUpperCase(Locale.ROOT);
        boolean oneCase = s.equals(lower) || s.equals(upper);
        for (String p : s.split("\\s+")) {
            if (INITIAL.matcher(p).matches()) {
                continue;
            }
            if (!(oneCase ? NAME_ANY_CASE : NAME_WORD).matcher(p).matches()) {
                return false;
            }
        }
        return true;
    }
}
