namespace Customer360Portal.Core.DemoData.Tables;

/// <summary>
/// What the demo company, Harbour &amp; Pine (a home and garden retailer, web shop at harbourandpine.example), sells:
/// 80 products in 12 categories, priced in GBP with USD and EUR shelf prices.
/// </summary>
internal static class DemoCatalog
{
    public const string CompanyName = "Harbour & Pine";
    public const string SiteHost = "www.harbourandpine.example";
    public const string SiteUrl = "https://" + SiteHost;

    public sealed record Product(string Sku, string Name, string Category, string Slug, decimal[] Prices)
    {
        /// <summary>Price in the currency of the country (GB, US, DE, FR).</summary>
        public decimal PriceIn(int country) => Prices[country == DemoPlaces.GB ? 0 : country == DemoPlaces.US ? 1 : 2];
    }

    private static readonly (string Category, string Code, (string Name, decimal Gbp)[] Items)[] Source =
    [
        ("Kitchen", "KIT", [("Enamel Casserole Dish 24cm", 59m), ("Oak Chopping Board", 24m), ("Copper Measuring Cups", 18.5m),
            ("Linen Tea Towel Set", 14m), ("Stoneware Mixing Bowl", 22m), ("Cast Iron Skillet 26cm", 39m), ("Chef's Knife 20cm", 45m),
            ("Burr Coffee Grinder", 49m)]),
        ("Tableware", "TAB", [("Speckled Dinner Plates, Set of 4", 36m), ("Glass Tumblers, Set of 6", 19.5m), ("Stoneware Mug", 9.5m),
            ("Linen Napkins, Set of 4", 16m), ("Serving Platter", 28m), ("Cutlery Set, 16 Piece", 49m), ("Wine Glasses, Pair", 24m)]),
        ("Bedding", "BED", [("Washed Linen Duvet Cover, Double", 89m), ("Cotton Pillowcase Pair", 22m), ("Wool Throw", 65m),
            ("Feather Pillow", 29m), ("Fitted Sheet, King", 34m), ("Waffle Blanket", 48m), ("Silk Eye Mask", 18m)]),
        ("Bath", "BAT", [("Waffle Bath Towel", 24m), ("Bath Mat", 19m), ("Cotton Bathrobe", 55m), ("Hand Towel Pair", 18m),
            ("Bamboo Bath Caddy", 26m), ("Ceramic Soap Dish", 8.5m), ("Bath Salts Jar", 12m)]),
        ("Lighting", "LGT", [("Rattan Pendant Shade", 45m), ("Brass Table Lamp", 79m), ("Linen Lampshade 30cm", 32m),
            ("LED Fairy Lights 10m", 14m), ("Oak Floor Lamp", 129m), ("Rechargeable Lantern", 38m)]),
        ("Furniture", "FUR", [("Oak Side Table", 149m), ("Rattan Armchair", 295m), ("Five Shelf Bookcase", 219m),
            ("Walnut Bench Seat", 179m), ("Large Storage Basket", 32m), ("Round Wall Mirror 60cm", 89m), ("Coat Stand", 69m)]),
        ("Garden", "GDN", [("Terracotta Pot 30cm", 16m), ("Garden Trowel", 12m), ("Pruning Secateurs", 24m), ("Watering Can 5L", 28m),
            ("Seed Tin Set", 15m), ("Kneeling Pad", 11m), ("Galvanised Planter", 42m), ("Hanging Bird Feeder", 21m)]),
        ("Outdoor", "OUT", [("Folding Bistro Set", 189m), ("Outdoor Cushion", 29m), ("Picnic Blanket", 35m), ("Fire Pit Bowl", 119m),
            ("Solar Lantern", 22m), ("Cotton Hammock", 75m)]),
        ("Home Fragrance", "FRG", [("Fig Leaf Candle", 28m), ("Sea Salt Diffuser", 32m), ("Cedar Wax Melts", 9m),
            ("Lavender Linen Spray", 14m), ("Three Wick Candle", 42m), ("Matches in Glass Jar", 8m)]),
        ("Stationery", "STA", [("Linen Notebook A5", 14m), ("Desk Planner", 18m), ("Fountain Pen", 35m), ("Greeting Card Set", 12m),
            ("Leather Pen Case", 22m), ("Wrapping Paper Roll", 7.5m)]),
        ("Kids", "KID", [("Wooden Building Blocks", 29m), ("Knitted Rabbit", 19m), ("Kids' Apron", 14m), ("Storybook Bundle", 24m),
            ("Play Tent", 79m), ("Crayon Set", 9m)]),
        ("Pets", "PET", [("Dog Bed, Medium", 59m), ("Cat Scratching Post", 34m), ("Ceramic Pet Bowl", 15m), ("Leather Dog Lead", 26m),
            ("Dog Treat Tin", 12m), ("Pet Blanket", 22m)]),
    ];

    public static readonly Product[] Products = Build();

    public static readonly string[] Categories = Source.Select(s => s.Category).ToArray();

    // Cheaper everyday items sell more often than furniture.
    private static readonly int[] Popularity = DemoNames.Cumulate(Products.Select(p => p.Prices[0] switch
    {
        < 20m => 10,
        < 40m => 8,
        < 80m => 5,
        < 150m => 3,
        _ => 1,
    }).ToArray());

    public static Product PickProduct(DemoRandom rng) => Products[rng.PickWeighted(Popularity)];

    public static int PickProductIndex(DemoRandom rng) => rng.PickWeighted(Popularity);

    /// <summary>Delivery charge and the order value above which delivery is free, per country.</summary>
    public static (decimal Charge, decimal FreeFrom) Delivery(int country) => country switch
    {
        DemoPlaces.GB => (3.95m, 50m),
        DemoPlaces.US => (5.99m, 75m),
        _ => (4.95m, 60m),
    };

    private static Product[] Build()
    {
        var list = new List<Product>();
        foreach (var (category, code, items) in Source)
        {
            for (var i = 0; i < items.Length; i++)
            {
                var (name, gbp) = items[i];
                var usd = Math.Round(gbp * 1.25m, 0, MidpointRounding.AwayFromZero) - 0.01m;
                var eur = Math.Round(gbp * 1.15m, 0, MidpointRounding.AwayFromZero) - 0.01m;
                list.Add(new Product($"HP-{code}-{101 + i * 7:D3}", name, category, Slug(name), [gbp, usd, eur]));
            }
        }
        return list.ToArray();
    }

    private static string Slug(string name)
    {
        var chars = new List<char>(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c)) chars.Add(c);
            else if (chars.Count > 0 && chars[^1] != '-') chars.Add('-');
        }
        if (chars.Count > 0 && chars[^1] == '-') chars.RemoveAt(chars.Count - 1);
        return new string(chars.ToArray());
    }

    public static readonly (string Path, string Title)[] Pages =
    [
        ("/", "Home"), ("/new-in", "New In"), ("/sale", "Sale"), ("/gifts", "Gift Ideas"), ("/stores", "Our Stores"),
        ("/help/delivery", "Delivery & Returns"), ("/journal", "Journal"), ("/journal/autumn-table", "Journal: The Autumn Table"),
        ("/basket", "Basket"), ("/account", "My Account"),
    ];

    public static readonly string[] TicketSubjectsAboutOrder =
    [
        "Where is my order {0}?", "Item arrived damaged (order {0})", "Return request for order {0}", "Wrong item received in order {0}",
        "Refund not received for order {0}", "Missing item from order {0}", "Please change the delivery address for {0}",
        "Cancel order {0}", "Invoice needed for order {0}", "Delivery left in the wrong place ({0})",
    ];

    public static readonly string[] TicketSubjectsGeneral =
    [
        "Can't sign in to my account", "Discount code not working", "Question about {0}", "Is {0} back in stock?",
        "Please stop sending me emails", "Change my email address", "Gift card balance", "Do you deliver abroad?",
        "Feedback on your Leeds store", "Product care question: {0}",
    ];
}
