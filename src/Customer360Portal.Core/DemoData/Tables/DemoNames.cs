namespace Customer360Portal.Core.DemoData.Tables;

/// <summary>Name cultures the demo people are drawn from.</summary>
internal enum Culture { English, German, French, Spanish, Italian, Polish, SouthAsian, Chinese, Arabic, Turkish, WestAfrican, Portuguese, Russian }

/// <summary>
/// Given and family names by culture. Lists are ordered from common to rare and drawn with a skewed (Zipf-like)
/// weight, so Smith and Jones turn up far more often than Storey or Pugh, as in real customer files (Smith about 2.5%
/// of English-named people, the ten commonest together about 17%).
/// </summary>
internal static class DemoNames
{
    public sealed record NameList(string[] Names, int[] Cumulative)
    {
        public static NameList Skewed(string spaceSeparated, int flatten)
        {
            var names = spaceSeparated.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var cumulative = new int[names.Length];
            var total = 0;
            for (var i = 0; i < names.Length; i++)
            {
                total += 1_000_000 / (i + flatten);
                cumulative[i] = total;
            }
            return new NameList(names, cumulative);
        }

        public string Pick(DemoRandom rng) => Names[rng.PickWeighted(Cumulative)];
    }

    public sealed record CultureNames(NameList Female, NameList Male, NameList Family);

    private static CultureNames C(string female, string male, string family) =>
        new(NameList.Skewed(female, 10), NameList.Skewed(male, 10), NameList.Skewed(family, 15));

    public static readonly CultureNames[] ByCulture =
    [
        // English (UK and US)
        C("Elizabeth Sarah Emma Katherine Margaret Jennifer Rebecca Charlotte Olivia Emily Sophia Amelia Victoria Jessica " +
          "Hannah Lucy Laura Rachel Helen Susan Claire Alexandra Samantha Christine Patricia Deborah Abigail Amanda " +
          "Stephanie Caroline Eleanor Josephine Dorothy Frances Isabella Madeleine Nicola Jacqueline Penelope Harriet " +
          "Theresa Louise Anne Mary Rosemary Judith Barbara Philippa Georgina Melissa Pamela Beatrice Matilda Florence " +
          "Evelyn Alison Jane Chloe Grace Ruth Megan Kathleen Natalie Kimberly",
          "James John Robert Michael William David Richard Thomas Christopher Daniel Matthew Jonathan Andrew Joseph " +
          "Edward Benjamin Samuel Alexander Nicholas Henry Peter Anthony Steven Charles Patrick Timothy Oliver George " +
          "Harry Jack Jacob Joshua Luke Adam Ryan Liam Noah Leo Oscar Theodore Frederick Arthur Philip Gregory Kenneth " +
          "Lawrence Raymond Francis Albert Stanley Dominic Callum Lewis Nathaniel Zachary Isaac Tobias Archibald " +
          "Reginald Simon Gareth Stuart",
          "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker " +
          "White Edwards Hughes Green Hall Lewis Harris Clarke Jackson Wood Turner Martin Cooper Hill Ward Morris Moore " +
          "Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young " +
          "Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Marshall " +
          "Anderson Simpson Ellis Adams Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Hunt Campbell Matthews " +
          "Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon " +
          "Harvey Graham Pearson Fletcher Walsh Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford " +
          "Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Dawson Ball Burton O'Brien Watts Rose Booth " +
          "Perry Ryan Grant Wells Armstrong Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page " +
          "Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins Porter Newton Kennedy Gardner Nelson " +
          "Sullivan McDonald O'Connor Storey Pugh Hyde"),
        // German
        C("Katharina Ursula Monika Sabine Susanne Gabriele Anja Petra Leonie Johanna Birgit Margarete Lena Friederike",
          "Johannes Wolfgang Friedrich Wilhelm Heinrich Matthias Andreas Stefan Ulrich Dieter Jürgen Klaus Maximilian " +
          "Lukas Felix Jan",
          "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter Klein " +
          "Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner Schmitz Krause " +
          "Meier Lehmann Schmid Schulze Maier Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz " +
          "Möller Weiß Jung Hahn Vogel"),
        // French
        C("Isabelle Catherine Véronique Valérie Sylvie Nathalie Camille Manon Élodie Amélie Chloé Juliette Céline " +
          "Stéphanie Hélène Mathilde",
          "François Frédéric Christophe Stéphane Sébastien Emmanuel Alexandre Nicolas Mathieu Julien Guillaume Antoine " +
          "Pierre Louis Thibault Philippe",
          "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel David " +
          "Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Dupont Lambert Bonnet François Legrand " +
          "Garnier Faure Rousseau Blanc Guérin Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont " +
          "Fontaine Chevalier Robin"),
        // Spanish
        C("María Dolores Guadalupe Lucía Carmen Mercedes Rosario Isabel Sofía",
          "José Francisco Alejandro Manuel Javier Carlos Ignacio Enrique Rafael Fernando Antonio",
          "Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres Flores Rivera Gomez Diaz " +
          "Cruz Morales Reyes Gutierrez Ortiz Ramos Romero Alvarez Ruiz Jimenez Moreno"),
        // Italian
        C("Francesca Giulia Chiara Alessia Antonia", "Giuseppe Giovanni Alessandro Marco Luca Salvatore",
          "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti"),
        // Polish
        C("Katarzyna Małgorzata Agnieszka Magdalena Zofia", "Wojciech Tomasz Krzysztof Piotr Jakub Aleksander",
          "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak Dąbrowski"),
        // South Asian
        C("Priya Ananya Deepa Kavita Sunita Anjali", "Arjun Rahul Vikram Sanjay Amit Rohan",
          "Patel Singh Kaur Shah Sharma Kumar Gupta Mehta Joshi Chopra Reddy Iyer Rao Desai Begum"),
        // Chinese
        C("Mei Xiu Li Yan", "Wei Jun Hao Ming", "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Lin"),
        // Arabic and North African
        C("Fatima Aisha Leila Nour Yasmin", "Mohammed Ahmed Omar Youssef Karim Hassan",
          "Khan Hussain Ahmed Ali Rahman Hassan Ibrahim Benali Haddad Mansour Akhtar"),
        // Turkish
        C("Ayşe Elif Zeynep", "Mehmet Mustafa Emre Can", "Yılmaz Kaya Demir Şahin Çelik Yıldız Öztürk Aydın"),
        // West African
        C("Ngozi Adaeze Folake Chioma", "Chinedu Oluwaseun Emeka Tunde",
          "Okafor Adeyemi Okonkwo Balogun Eze Nwosu Adebayo Obi"),
        // Portuguese
        C("Ana Inês Beatriz", "João Tiago Rui", "Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins"),
        // Russian
        C("Ekaterina Anastasia Olga", "Dmitri Mikhail Ivan", "Ivanov Smirnov Kuznetsov Popov Volkov Petrov"),
    ];

    // Culture mix per country (GB, US, DE, FR), as weights over Culture.
    private static readonly int[][] MixWeights =
    [
        //           En  De  Fr  Es  It  Pl  SA  Zh  Ar  Tr  WA  Pt  Ru
        /* GB */ [   74,  1,  2,  2,  2,  4,  7,  2,  3,  0,  3,  0,  0],
        /* US */ [   60,  4,  2, 18,  3,  1,  4,  4,  1,  0,  3,  0,  0],
        /* DE */ [    3, 80,  1,  1,  3,  4,  0,  1,  2,  8,  0,  0,  2],
        /* FR */ [    2,  1, 80,  3,  3,  0,  0,  1, 10,  0,  0,  4,  0],
    ];

    private static readonly int[][] MixCumulative = MixWeights.Select(Cumulate).ToArray();

    public static Culture PickCulture(DemoRandom rng, int countryIndex) => (Culture)rng.PickWeighted(MixCumulative[countryIndex]);

    internal static int[] Cumulate(int[] weights)
    {
        var c = new int[weights.Length];
        var total = 0;
        for (var i = 0; i < weights.Length; i++) c[i] = total += weights[i];
        return c;
    }
}
