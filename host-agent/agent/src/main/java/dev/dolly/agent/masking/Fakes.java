package dev.dolly.agent.masking;

/**
 * Word lists for realistic fakes and the token used to keep fakes unique. Everything is picked by
 * bits of the keyed hash of the input, so a fake is a pure function of (salt, rule, input).
 */
public final class Fakes {

    private Fakes() {}

    static final String[] FIRST = {
        "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
        "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
        "Charles", "Karen", "Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony",
        "Margaret", "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Paul", "Emily",
        "Andrew", "Donna", "Joshua", "Michelle", "Kenneth", "Carol", "Kevin", "Amanda", "Brian",
        "Dorothy", "George", "Melissa", "Timothy", "Deborah", "Ronald", "Stephanie", "Edward",
        "Rebecca", "Jason", "Sharon", "Jeffrey", "Laura", "Ryan", "Cynthia", "Jacob", "Kathleen",
        "Gary", "Amy", "Nicholas", "Angela", "Eric", "Shirley", "Jonathan", "Anna", "Stephen",
        "Brenda", "Larry", "Pamela", "Justin", "Emma", "Scott", "Nicole", "Brandon", "Helen",
        "Benjamin", "Samantha", "Samuel", "Katherine", "Gregory", "Christine", "Alexander", "Debra",
        "Frank", "Rachel", "Patrick", "Carolyn", "Raymond", "Janet", "Jack", "Catherine", "Dennis",
        "Maria", "Jerry", "Heather", "Tyler", "Diane", "Aaron", "Ruth", "Jose", "Julie", "Adam",
        "Olivia", "Nathan", "Joyce", "Henry", "Virginia", "Douglas", "Victoria", "Zachary", "Kelly",
        "Peter", "Lauren", "Kyle", "Christina", "Ethan", "Joan", "Walter", "Evelyn", "Noah", "Judith",
        "Jeremy", "Megan", "Christian", "Andrea", "Keith", "Cheryl", "Roger", "Hannah", "Terry",
        "Jacqueline", "Gerald", "Martha", "Harold", "Gloria", "Sean", "Teresa", "Austin", "Ann",
        "Carl", "Sara", "Arthur", "Madison", "Lawrence", "Frances", "Dylan", "Kathryn", "Jesse",
        "Janice", "Jordan", "Jean", "Bryan", "Abigail", "Billy", "Alice", "Joe", "Julia", "Bruce",
        "Judy", "Gabriel", "Sophia", "Logan", "Grace", "Albert", "Denise", "Willie", "Amber", "Alan",
        "Doris", "Juan", "Marilyn", "Wayne", "Danielle", "Elijah", "Beverly", "Randy", "Isabella",
        "Roy", "Theresa", "Vincent", "Diana", "Ralph", "Natalie", "Eugene", "Brittany", "Russell",
        "Charlotte", "Bobby", "Marie", "Mason", "Kayla", "Philip", "Alexis", "Louis", "Lori",
        "Mohammed", "Fatima", "Wei", "Yuki", "Aisha", "Lars", "Ingrid", "Pierre", "Sofia", "Luca",
        "Giulia", "Hans", "Greta", "Pedro", "Lucia", "Ahmed", "Leila", "Ivan", "Olga", "Kenji",
        "Mei", "Rahul", "Priya", "Chen", "Amara", "Kwame", "Zara", "Mateo", "Elena", "Omar"
    };

    static final String[] LAST = {
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
        "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
        "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
        "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
        "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
        "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner",
        "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales",
        "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey",
        "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks",
        "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez",
        "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez", "Powell",
        "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes",
        "Gonzales", "Fisher", "Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Alexander",
        "Hamilton", "Graham", "Reynolds", "Griffin", "Wallace", "Moreno", "West", "Cole", "Hayes",
        "Bryant", "Herrera", "Gibson", "Ellis", "Tran", "Medina", "Aguilar", "Stevens", "Murray",
        "Ford", "Castro", "Marshall", "Owens", "Harrison", "Fernandez", "McDonald", "Woods",
        "Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen", "Freeman", "Webb", "Tucker",
        "Guzman", "Burns", "Crawford", "Olson", "Simpson", "Porter", "Hunter", "Gordon", "Mendez",
        "Silva", "Shaw", "Snyder", "Mason", "Dixon", "Munoz", "Hunt", "Hicks", "Holmes", "Palmer",
        "Wagner", "Black", "Robertson", "Boyd", "Rose", "Stone", "Salazar", "Fox", "Warren", "Mills",
        "Meyer", "Rice", "Schmidt", "Garza", "Daniels", "Ferguson", "Nichols", "Stephens", "Soto",
        "Weaver", "Ryan", "Gardner", "Payne", "Grant", "Dunn", "Kelley", "Spencer", "Hawkins",
        "Muller", "Schneider", "Dubois", "Rossi", "Novak", "Kowalski", "Yamamoto", "Tanaka", "Singh",
        "Khan", "Ali", "Okafor", "Mensah", "Larsen", "Nielsen", "Johansson", "Ivanova", "Papadopoulos"
    };

    static final String[] STREET = {
        "Maple", "Oak", "Pine", "Cedar", "Elm", "Willow", "Birch", "Walnut", "Chestnut", "Spruce",
        "Hickory", "Aspen", "Sycamore", "Magnolia", "Juniper", "Laurel", "Poplar", "Cypress",
        "Meadow", "Valley", "Hillside", "Lakeview", "Riverside", "Sunset", "Sunrise", "Highland",
        "Park", "Garden", "Orchard", "Forest", "Spring", "Mill", "Church", "School", "Station",
        "Bridge", "Harbor", "Market", "Union", "Liberty", "Franklin", "Lincoln", "Washington",
        "Jefferson", "Madison", "Jackson", "Adams", "Monroe", "Prospect", "Fairview", "Center",
        "Main", "North", "South", "East", "West", "Grove", "Ridge", "Brook", "Heather"
    };

    static final String[] SUFFIX = {
        "Street", "Avenue", "Road", "Lane", "Drive", "Court", "Place", "Boulevard", "Way", "Terrace",
        "Circle", "Parkway"
    };

    static final String[] CITY = {
        "Springfield", "Riverton", "Fairview", "Greenville", "Madison", "Georgetown", "Clinton",
        "Salem", "Franklin", "Arlington", "Ashland", "Burlington", "Milton", "Newport", "Oxford",
        "Bristol", "Dover", "Hudson", "Kingston", "Lexington", "Manchester", "Marion", "Clayton",
        "Dayton", "Jackson", "Lebanon", "Oakland", "Auburn", "Centerville", "Chester", "Winchester",
        "Hamilton", "Lakewood", "Riverside", "Brookfield", "Cedar Falls", "Glenwood", "Highland Park",
        "Millbrook", "Westfield"
    };

    static final String[] FIRST_LOWER = lower(FIRST);
    static final String[] LAST_LOWER = lower(LAST);
    static final byte[][] FIRST_BYTES = bytes(FIRST);
    static final byte[][] LAST_BYTES = bytes(LAST);
    static final byte[][] FIRST_LOWER_BYTES = bytes(FIRST_LOWER);
    static final byte[][] LAST_LOWER_BYTES = bytes(LAST_LOWER);

    private static byte[][] bytes(String[] a) {
        byte[][] out = new byte[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        return out;
    }

    static byte[] pickBytes(byte[][] list, long bits) {
        return list[(int) Long.remainderUnsigned(bits, list.length)];
    }

    private static String[] lower(String[] a) {
        String[] out = new String[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].toLowerCase(java.util.Locale.ROOT);
        }
        return out;
    }

    private static final char[] BASE32 = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

    /** Width, in base-32 characters, of the uniqueness token: 13 × 5 = 65 bits. */
    public static final int TOKEN_CHARS = 13;

    /** 65 bits of {h} as 13 lowercase base-32 characters (no 0/o/1/l to stay readable). */
    static String token(long[] h) {
        ByteBuf b = new ByteBuf(TOKEN_CHARS);
        token(h, b);
        return new String(b.array(), 0, b.size(), java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The token written as ASCII bytes. */
    static void token(long[] h, ByteBuf out) {
        long lo = h[0];
        long hi = h[1];
        for (int i = 0; i < 12; i++) {
            out.write(BASE32[(int) (lo & 31)]);
            lo >>>= 5;
        }
        // 12 × 5 = 60 bits from lo, 4 remaining in lo plus 1 from hi
        out.write(BASE32[(int) ((lo & 15) | ((hi & 1) << 4))]);
    }

    static String pick(String[] list, long bits) {
        return list[(int) Long.remainderUnsigned(bits, list.length)];
    }
}
