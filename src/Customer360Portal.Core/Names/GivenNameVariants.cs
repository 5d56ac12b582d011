using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Customer360Portal.Core.Names;

/// <summary>
/// Given names that mean the same person: nicknames and diminutives (Jonathan/Jon, William/Bill/Liam,
/// Małgorzata/Gosia) and spellings of one name (Katherine/Catherine/Katharina). Identity resolution compares
/// given names through it; the demo generator draws nicknames from it.
/// </summary>
/// <remarks>
/// Each family lists its formal spellings (the first is the canonical one), then its informal forms. A name may sit
/// in several families (Jon is short for John and for Jonathan; Alex for Alexander and Alexandra), so the relation is
/// not transitive: Jon~John and Jon~Jonathan, but John and Jonathan are different names. Lookups ignore case,
/// surrounding white space and accents (José = Jose, Käthe = Kathe, Małgorzata = Malgorzata).
/// </remarks>
public static class GivenNameVariants
{
    /// <summary>One family: formal spellings (first is canonical), then informal forms.</summary>
    public sealed record Family(IReadOnlyList<string> Formal, IReadOnlyList<string> Informal)
    {
        public string Canonical => Formal[0];

        /// <summary>Every name of the family, formal first.</summary>
        public IEnumerable<string> All => Formal.Concat(Informal);
    }

    // "formal spellings / informal forms"
    private static readonly string[] Table =
    [
        // English, men
        "Jonathan / Jon Jonny Jonty",
        "John / Jack Johnny Jon Jonny",
        "William / Bill Billy Will Willy Liam Wills",
        "Robert / Bob Bobby Rob Robbie Bert",
        "Richard / Rick Ricky Rich Richie Dick",
        "James / Jim Jimmy Jamie Jem",
        "Michael / Mike Mikey Mick Mickey Micha",
        "Thomas / Tom Tommy Thom",
        "Christopher Kristopher / Chris Kit Topher",
        "Daniel / Dan Danny",
        "Matthew / Matt Matty",
        "Anthony Antony / Tony Ant",
        "Andrew / Andy Drew",
        "Joseph Josef / Joe Joey Jo Sepp",
        "David / Dave Davey Davy",
        "Steven Stephen Stefan Stéphane / Steve Stevie",
        "Edward / Ed Eddie Ned Ted Teddy",
        "Benjamin / Ben Benny Benji",
        "Samuel / Sam Sammy",
        "Alexander Alexandre Aleksander / Alex Alec Sasha Sascha Sandy Xander Lex",
        "Nicholas Nicolas Nikolaus Niklas / Nick Nicky Nico",
        "Charles / Charlie Chuck Chas Chaz",
        "Henry Henri / Harry Hank Hal",
        "Frederick Frederic Frédéric / Fred Freddie Freddy Fredo",
        "Patrick / Pat Paddy Patsy",
        "Timothy / Tim Timmy",
        "Peter Pieter / Pete",
        "Gregory / Greg",
        "Kenneth / Ken Kenny",
        "Ronald / Ron Ronnie",
        "Donald / Don Donny Donnie",
        "Raymond / Ray",
        "Lawrence Laurence / Larry Laurie Lol",
        "Jeffrey Geoffrey Jeffery / Jeff Geoff",
        "Gerald / Gerry Jerry Ged",
        "Leonard / Leo Len Lenny",
        "Nathaniel Nathanael / Nathan Nate Nat",
        "Nathan / Nate",
        "Zachary Zachariah / Zach Zack Zac",
        "Joshua / Josh",
        "Jacob Jakob / Jake",
        "Oliver Olivier / Ollie Olly",
        "Albert / Al Bert Bertie",
        "Alfred / Alf Alfie Fred Freddie",
        "Arthur / Art Artie",
        "Francis / Frank Frankie Fran",
        "Philip Phillip Philipp Philippe / Phil Pip",
        "Douglas / Doug Dougie",
        "Theodore / Theo Ted Teddy",
        "Maximilian Maximilien / Max Maxi",
        "Sebastian Sébastien / Seb Basti Bastian",
        "Gabriel / Gabe",
        "Vincent / Vince Vinnie Vinny",
        "Walter / Walt Wally",
        "Stanley / Stan",
        "Bernard Bernhard / Bernie Bernd",
        "Harold / Harry Hal",
        "Eugene / Gene",
        "Terence Terrence / Terry Tel",
        "Dominic Dominik / Dom",
        "Cameron / Cam",
        "Isaac / Ike Zac",
        "Abraham / Abe Bram",
        "Callum Calum / Cal",
        "Augustus August / Gus Gussie",
        "Angus / Gus",
        "Archibald / Archie Archy",
        "Reginald / Reg Reggie",
        "Edmund / Ed Eddie Ned",
        "Tobias / Toby Tobi",
        "Lewis Louis Luis / Lou Louie",
        "Marcus Markus / Marc",
        "Oscar Oskar / Ozzy",
        "Harrison / Harry",
        "Gareth / Gaz",
        "Barry / Baz",
        "Darren / Daz",
        "Jeremy Jeremiah / Jerry Jez",
        "Simon / Si",
        "Mitchell / Mitch",
        "Ernest / Ernie",
        "Howard / Howie",
        "Clifford / Cliff",
        "Malcolm / Mal",
        "Rodney / Rod",
        "Rupert / Rupe",
        "Benedict / Ben Benny",
        "Bartholomew / Bart Barty",
        "Ezekiel / Zeke",
        "Solomon / Sol",
        "Montgomery / Monty",
        "Randall Randolph / Randy",
        "Percival / Percy",
        "Stuart Stewart / Stu",
        // German, men
        "Johannes Johann / Hans Hannes Jo",
        "Wolfgang / Wolf",
        "Friedrich / Fritz Friedel Fred",
        "Wilhelm / Willi Willy Wim",
        "Heinrich / Heinz Heiner",
        "Matthias Mathias / Matze Hias",
        "Andreas / Andi",
        "Ulrich / Uli Ulli",
        "Dietrich / Dieter Didi",
        // French, men
        "François / Fanfan",
        "Christophe / Chris",
        "Emmanuel / Manu Manny",
        "Mathieu Matthieu / Matt",
        // Spanish, men
        "José / Pepe Pepito Chepe",
        "Francisco / Paco Pancho Curro Cisco Fran",
        "Alejandro / Alex Ale Jandro",
        "Manuel / Manolo Manu Lolo",
        "Javier Xavier / Javi",
        "Ignacio / Nacho Iñaki",
        "Enrique / Quique Kike",
        "Rafael / Rafa",
        "Fernando / Nando Fer",
        "Antonio / Toni Tony Toño",
        "Guillermo / Guille Memo",
        "Jesús / Chuy Chucho",
        "Roberto / Beto Rober",
        "Eduardo / Edu Lalo",
        "Carlos / Carlitos Charly",
        // Italian, men
        "Giuseppe / Peppe Beppe Pino",
        "Giovanni / Gianni Vanni",
        "Alessandro / Sandro Ale Alex",
        "Salvatore / Totò Salvo",
        "Francesco / Franco Cecco",
        // Polish, men
        "Aleksander / Olek Alek Aleks",
        "Wojciech / Wojtek",
        "Tomasz / Tomek",
        "Krzysztof / Krzyś Krzysiek",
        "Piotr / Piotrek",
        "Jakub / Kuba",
        // Russian, men
        "Dmitri Dmitry / Dima Mitya",
        "Mikhail / Misha",
        "Ivan / Vanya",
        // English, women
        "Elizabeth Elisabeth / Liz Lizzie Lizzy Beth Betsy Betty Eliza Libby Lisa Bess Bessie Elsie Liesel",
        "Margaret Margarete Margarethe / Maggie Meg Peggy Marge Margie Greta Gretchen Grete Maisie",
        "Katherine Catherine Kathryn Katharine Katharina Kathrin Katrin / Kate Katie Katy Kathy Kath Kat Kitty Cathy Kay Kathi Käthe",
        "Kathleen / Kathy Kath Kay",
        "Jennifer / Jen Jenny Jenn",
        "Rebecca / Becky Becca Bex",
        "Victoria / Vicky Vicki Tori Vic",
        "Alexandra Aleksandra Alessandra / Alex Sasha Lexi Alexa Sandy Sandra Ola",
        "Samantha / Sam Sammy",
        "Christine Christina Kristina Christiane / Chris Chrissy Tina Kristy",
        "Patricia / Pat Patty Trish Tricia",
        "Susan Susanne Suzanne Susanna / Sue Susie Suzy Susi Sanne",
        "Deborah Debra / Deb Debbie",
        "Jessica / Jess Jessie",
        "Abigail / Abby Abbie Gail",
        "Amanda / Mandy",
        "Stephanie Stéphanie / Steph Stephie",
        "Natalie Nathalie Natalia / Nat Tali Natasha",
        "Caroline Carolyn Carolina / Carol Carrie Caz",
        "Eleanor Elinor / Ellie Nell Nellie Nora",
        "Helen Helena Hélène / Nell Nellie Ellen",
        "Josephine Joséphine / Jo Josie",
        "Joanna Joanne Johanna / Jo",
        "Dorothy Dorothea / Dot Dottie Dolly Thea",
        "Frances / Fran Frankie Fanny",
        "Charlotte / Charlie Lottie Lotte",
        "Olivia / Liv Livvy",
        "Isabella Isabel Isabelle Isobel / Bella Izzy Issy Isa",
        "Sophia Sophie Sofia Sofía / Soph",
        "Emily / Em Emmy Millie",
        "Emma / Em Emmy",
        "Amelia Amélie / Millie Amy",
        "Gabrielle Gabriele Gabriella / Gabby Gabi Gaby",
        "Madeleine Madeline Madelyn / Maddie Maddy",
        "Nicola Nicole / Nicky Nikki Nic",
        "Jacqueline / Jackie Jacqui",
        "Penelope / Penny Pen",
        "Harriet / Hattie Hatty",
        "Theresa Teresa Thérèse / Tess Tessa Terri Resi",
        "Louise Louisa / Lou Lulu",
        "Anne Ann Anna / Annie Nan Nancy",
        "Mary Maria María Marie / Molly Polly Mae Mimi",
        "Sarah Sara / Sally Sadie",
        "Rosemary / Rose Rosie",
        "Veronica Véronique / Ronnie Vero Roni",
        "Judith / Judy Jude Jutta",
        "Barbara / Barb Babs Barbie Basia",
        "Virginia / Ginny Ginger",
        "Philippa / Pippa Pip",
        "Georgina / Georgie Gina",
        "Antonia / Toni Tonia",
        "Danielle Daniela / Dani",
        "Melissa / Mel Missy Lissa",
        "Melanie Mélanie / Mel",
        "Pamela / Pam Pammy",
        "Cassandra / Cass Cassie Sandy",
        "Gwendolyn Gwendoline / Gwen Wendy",
        "Valerie Valérie / Val",
        "Geraldine / Gerry Geri",
        "Beatrice Béatrice Beatrix Beatriz / Bea Trixie",
        "Matilda Mathilde / Tilly Tilda Mattie",
        "Florence / Flo Florrie Flossie",
        "Evelyn Eveline / Evie Eve",
        "Annabel Annabelle / Annie Bella",
        "Alison Allison / Ali Allie",
        "Kimberly Kimberley / Kim Kimmy",
        "Cynthia / Cindy",
        "Lucinda / Lucy Cindy",
        "Wilhelmina / Mina Minnie Willa",
        "Frederica Friederike / Freddie Rike",
        "Roberta / Bobbie Robbie",
        "Henrietta / Etta Hettie",
        "Winifred / Winnie Freda",
        // German, women
        "Ursula / Uschi Ulla",
        "Monika Monica / Moni",
        "Sabine / Bine",
        // Spanish and Italian, women
        "Dolores / Lola Lolita Loles",
        "Concepción / Concha Conchita",
        "Guadalupe / Lupe Lupita",
        "Mercedes / Merche Meche",
        "Rosario / Charo Chayo",
        "Francesca Francisca / Fran Cesca Paquita Franci",
        // Polish and Russian, women
        "Katarzyna / Kasia Kaśka",
        "Małgorzata / Gosia Małgosia",
        "Agnieszka / Aga",
        "Magdalena / Magda Madzia Lena",
        "Ekaterina Yekaterina / Katya Katia Katja",
        "Anastasia / Nastya Stacey Stacy",
        "Olga / Olya",
    ];

    private static readonly Family[] AllFamilies;
    // Family indexes by name (table spelling and its accent-free form), case-insensitive.
    private static readonly FrozenDictionary<string, int[]> ByName;
    private static readonly FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> BySpan;

    static GivenNameVariants()
    {
        AllFamilies = new Family[Table.Length];
        var byName = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        for (var f = 0; f < Table.Length; f++)
        {
            var halves = Table[f].Split('/', StringSplitOptions.TrimEntries);
            var formal = halves[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var informal = halves[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            AllFamilies[f] = new Family(formal, informal);
            foreach (var name in formal.Concat(informal))
            {
                Add(name, f);
                var folded = Fold(name);
                if (!folded.Equals(name, StringComparison.OrdinalIgnoreCase)) Add(folded, f);
            }
        }
        ByName = byName.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.OrdinalIgnoreCase);
        BySpan = ByName.GetAlternateLookup<ReadOnlySpan<char>>();

        void Add(string name, int family)
        {
            if (!byName.TryGetValue(name, out var list)) byName[name] = list = [];
            if (!list.Contains(family)) list.Add(family);
        }
    }

    /// <summary>Every family in the table.</summary>
    public static IReadOnlyList<Family> Families => AllFamilies;

    /// <summary>
    /// True when the two given names can be the same person's: the same name (ignoring case and accents), or two
    /// names of one family. Jon~Jonathan and Bill~William, but not Jon~Bill and not John~Jonathan.
    /// </summary>
    public static bool AreVariants(string? a, string? b)
    {
        if (string.IsNullOrWhiteSpace(a) || string.IsNullOrWhiteSpace(b)) return false;
        var x = a.AsSpan().Trim();
        var y = b.AsSpan().Trim();
        if (x.Equals(y, StringComparison.OrdinalIgnoreCase)) return true;
        var fx = FamiliesOf(x);
        var fy = FamiliesOf(y);
        if (fx.Length == 0 || fy.Length == 0)
            return fx.Length == 0 && fy.Length == 0 && Fold(x.ToString()).Equals(Fold(y.ToString()), StringComparison.OrdinalIgnoreCase);
        foreach (var i in fx)
            if (Array.IndexOf(fy, i) >= 0) return true;
        return false;
    }

    /// <summary>
    /// The other names that <paramref name="name"/> may stand for or be written as (the table's spellings, formal
    /// ones first, no duplicates, without the name itself); empty for a name the table does not know.
    /// </summary>
    public static IReadOnlyList<string> VariantsOf(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return [];
        var span = name.AsSpan().Trim();
        var families = FamiliesOf(span);
        if (families.Length == 0) return [];
        var self = Fold(span.ToString());
        var result = new List<string>();
        foreach (var f in families)
            foreach (var n in AllFamilies[f].All)
                if (!Fold(n).Equals(self, StringComparison.OrdinalIgnoreCase) && !result.Contains(n, StringComparer.OrdinalIgnoreCase))
                    result.Add(n);
        return result;
    }

    /// <summary>
    /// The canonical formal names <paramref name="name"/> belongs to (Jon → Jonathan, John; Kate → Katherine), handy
    /// as blocking keys; the trimmed name itself when the table does not know it.
    /// </summary>
    public static IReadOnlyList<string> FormalNamesOf(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return [];
        var span = name.AsSpan().Trim();
        var families = FamiliesOf(span);
        if (families.Length == 0) return [span.ToString()];
        var result = new string[families.Length];
        for (var i = 0; i < families.Length; i++) result[i] = AllFamilies[families[i]].Canonical;
        return result;
    }

    /// <summary>The informal forms of a formal name whose family it heads (Jonathan → Jon, Jonny, Jonty).</summary>
    internal static IReadOnlyList<string> InformalFormsOf(string formalName)
    {
        foreach (var f in FamiliesOf(formalName.AsSpan()))
            if (AllFamilies[f].Canonical.Equals(formalName, StringComparison.OrdinalIgnoreCase))
                return AllFamilies[f].Informal;
        return [];
    }

    /// <summary>Indexes of the families a name belongs to (empty when the table does not know it).</summary>
    internal static int[] FamiliesOf(ReadOnlySpan<char> name)
    {
        if (BySpan.TryGetValue(name, out var families)) return families;
        foreach (var c in name)
        {
            if (c > 0x7F)
                return ByName.TryGetValue(Fold(name.ToString()), out families) ? families : [];
        }
        return [];
    }

    /// <summary>Removes accents and folds the few letters Unicode does not decompose (ł, ø, ß, æ, œ, đ).</summary>
    internal static string Fold(string name)
    {
        var ascii = true;
        foreach (var c in name)
            if (c > 0x7F) { ascii = false; break; }
        if (ascii) return name;

        var decomposed = name.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            switch (c)
            {
                case 'ł': sb.Append('l'); break;
                case 'Ł': sb.Append('L'); break;
                case 'ø': sb.Append('o'); break;
                case 'Ø': sb.Append('O'); break;
                case 'ß': sb.Append("ss"); break;
                case 'æ': sb.Append("ae"); break;
                case 'Æ': sb.Append("Ae"); break;
                case 'œ': sb.Append("oe"); break;
                case 'Œ': sb.Append("Oe"); break;
                case 'đ': sb.Append('d'); break;
                case 'Đ': sb.Append('D'); break;
                case 'ı': sb.Append('i'); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString().Normalize(NormalizationForm.FormC);
    }
}
