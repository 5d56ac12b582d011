namespace Customer360Portal.Core.DemoData;

/// <summary>
/// A small deterministic random stream (SplitMix64). Unlike <see cref="Random"/> its sequence is part of this code,
/// so the demo data stays byte-identical across .NET versions and machines. Only integer arithmetic and exactly
/// rounded floating-point operations are used, never Math.Log/Exp, whose last bit may differ between platforms.
/// </summary>
internal sealed class DemoRandom
{
    private ulong _state;

    public DemoRandom(ulong seed) => _state = seed;

    /// <summary>A stream for one part of the data (<paramref name="part"/>) of one thing (<paramref name="index"/>).</summary>
    public static DemoRandom For(int seed, long index, Part part) => new(Hash(seed, index, (long)part));

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static ulong Hash(int seed, long a, long b = 0, long c = 0)
    {
        var h = Mix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL);
        h = Mix(h ^ (ulong)a);
        h = Mix(h + 0x9E3779B97F4A7C15UL ^ (ulong)b);
        return Mix(h + 0x7F4A7C15UL ^ (ulong)c);
    }

    /// <summary>A number in [0, 1) from a hash, for decisions that must be computable without a stream.</summary>
    public static double Unit(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));

    public ulong NextULong()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>0 ≤ result &lt; <paramref name="n"/>.</summary>
    public int Next(int n) => n <= 1 ? 0 : (int)(((NextULong() >> 32) * (ulong)n) >> 32);

    /// <summary><paramref name="min"/> ≤ result ≤ <paramref name="max"/>.</summary>
    public int Between(int min, int max) => min + Next(max - min + 1);

    public long NextLong(long n) => n <= 1 ? 0 : (long)(NextULong() % (ulong)n);

    public double NextDouble() => Unit(NextULong());

    public bool Chance(double p) => p > 0 && NextDouble() < p;

    public T Pick<T>(T[] items) => items[Next(items.Length)];

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>An index drawn by the cumulative weights (each entry is the running total).</summary>
    public int PickWeighted(int[] cumulative)
    {
        var x = Next(cumulative[^1]);
        var lo = 0;
        var hi = cumulative.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (cumulative[mid] > x) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    /// <summary>A uniformly random moment in [from, to).</summary>
    public DateTime Between(DateTime from, DateTime to)
    {
        var span = to.Ticks - from.Ticks;
        return span <= 0 ? from : new DateTime(from.Ticks + NextLong(span), DateTimeKind.Utc);
    }

    /// <summary>A random offset in seconds, whole.</summary>
    public TimeSpan Seconds(int min, int max) => TimeSpan.FromSeconds(Between(min, max));

    /// <summary>Random hex characters, e.g. for event ids.</summary>
    public string Hex(int length)
    {
        Span<char> chars = stackalloc char[length];
        var bits = 0UL;
        for (var i = 0; i < length; i++)
        {
            if ((i & 15) == 0) bits = NextULong();
            chars[i] = "0123456789abcdef"[(int)(bits & 15)];
            bits >>= 4;
        }
        return new string(chars);
    }

    /// <summary>A version-4-looking UUID string.</summary>
    public string Uuid()
    {
        var a = NextULong();
        var b = NextULong();
        Span<char> c = stackalloc char[36];
        var k = 0;
        for (var i = 0; i < 32; i++)
        {
            if (i is 8 or 12 or 16 or 20) c[k++] = '-';
            int nibble;
            if (i == 12) nibble = 4;
            else if (i == 16) nibble = 8 | (int)(b & 3);
            else
            {
                var src = i < 16 ? a : b;
                nibble = (int)((src >> ((i & 15) * 4)) & 15);
            }
            c[k++] = "0123456789abcdef"[nibble];
        }
        return new string(c);
    }

    /// <summary>The independent streams a person's data is drawn from, so one source can be produced alone.</summary>
    public enum Part : long
    {
        Core = 1, Household = 2, Plan = 3, Crm = 4, Shop = 5, Helpdesk = 6, Email = 7, Web = 8, Anonymous = 9,
        Block = 10, Live = 11, Campaigns = 12, Address = 13, Consent = 14, ConsentBanner = 15,
    }
}
