using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Profiles;

/// <summary>One interaction as the journey map sees it.</summary>
/// <param name="Summary">Carried for callers that show the touchpoint; never used in a trigger (it may hold personal data).</param>
public readonly record struct JourneyTouchpoint(DateTime OccurredAt, string Type, InteractionChannel Channel, string? Summary = null);

/// <summary>A move between stages and, in plain words without personal data, what caused it.</summary>
public sealed record StageMoment(DateTime At, LifecycleStage From, LifecycleStage To, string Trigger);

public enum JourneyBucketSize { Day, Week, Month }

/// <summary>Touchpoints in one time bucket (starting on a UTC day, Monday or first of the month).</summary>
/// <param name="PerChannel">A count for every channel in <see cref="JourneyMapData.Channels"/>, zeros included.</param>
public sealed record TouchpointBucket(DateTime Start, IReadOnlyDictionary<InteractionChannel, int> PerChannel);

/// <param name="Channels">The channels that occur, in enum order.</param>
/// <param name="Touchpoints">Consecutive buckets from the first touchpoint to the last touchpoint or moment, empty ones included.</param>
public sealed record JourneyMapData(
    LifecycleStage CurrentStage,
    IReadOnlyList<StageMoment> Moments,
    JourneyBucketSize BucketSize,
    IReadOnlyList<InteractionChannel> Channels,
    IReadOnlyList<TouchpointBucket> Touchpoints)
{
    public static readonly JourneyMapData Empty = new(LifecycleStage.Unknown, [], JourneyBucketSize.Day, [], []);
}

/// <summary>
/// Derives a customer's journey (stage moments, current stage, touchpoints per channel over time) from their
/// interactions. Pure and deterministic: the same touchpoints and <c>now</c> always give the same map.
/// <para>The stage rules, applied to touchpoints in time order:</para>
/// <list type="bullet">
/// <item>Everyone starts <b>Unknown</b>. A touchpoint that no rule below covers moves Unknown to <b>Awareness</b> (a visit, an email received...).</item>
/// <item>Before the first order, showing interest moves to <b>Consideration</b>: product views, cart adds, email opens and
/// clicks, signing up or in, contacting support.</item>
/// <item>The first order moves to <b>Purchase</b>.</item>
/// <item>In Purchase, any own activity within <see cref="OnboardingWindow"/> of the first order moves to <b>Onboarding</b>.</item>
/// <item>The second order, or own activity after the onboarding window, moves Purchase/Onboarding to <b>Retention</b>.</item>
/// <item>The <see cref="AdvocateOrderCount"/>th order (or any later one) or a review/referral moves Purchase, Onboarding or
/// Retention to <b>Advocacy</b>.</item>
/// <item>For purchasers, a return, cancellation, unsubscribe, complaint or bounce, or <see cref="AtRiskAfterInactivity"/>
/// without own activity, moves to <b>At risk</b>.</item>
/// <item>For purchasers, <see cref="LapsedAfterInactivity"/> without own activity moves to <b>Lapsed</b>.</item>
/// <item>A new order after At risk or Lapsed moves back to <b>Retention</b> ("won back"). Nothing else leaves those stages:
/// a visit is not a recovery.</item>
/// </list>
/// <para>"Own activity" is what the customer did; emails sent or delivered to them, bounces and tickets an agent solved or
/// closed are touchpoints but not activity. Inactivity moments are dated when the threshold passed (last activity plus the
/// threshold), if that is before the next touchpoint or <c>now</c>.</para>
/// </summary>
public static class JourneyMap
{
    /// <summary>After the first order, the customer is being onboarded for this long.</summary>
    public static readonly TimeSpan OnboardingWindow = TimeSpan.FromDays(30);
    /// <summary>A purchaser with no own activity for this long is at risk.</summary>
    public static readonly TimeSpan AtRiskAfterInactivity = TimeSpan.FromDays(90);
    /// <summary>A purchaser with no own activity for this long has lapsed.</summary>
    public static readonly TimeSpan LapsedAfterInactivity = TimeSpan.FromDays(365);
    /// <summary>Customers with this many orders are advocates.</summary>
    public const int AdvocateOrderCount = 5;

    /// <summary>Bucket by day up to this span, by week up to <see cref="MaxSpanForWeeks"/>, else by month.</summary>
    public static readonly TimeSpan MaxSpanForDays = TimeSpan.FromDays(31);
    public static readonly TimeSpan MaxSpanForWeeks = TimeSpan.FromDays(26 * 7);

    /// <summary>What kind of event a touchpoint is, for the stage rules.</summary>
    private enum Signal { Neutral, Outbound, Visit, Interest, Order, Setback, Advocacy }

    public static JourneyMapData Build(IReadOnlyList<JourneyTouchpoint> touchpoints, DateTime now)
    {
        if (touchpoints.Count == 0) return JourneyMapData.Empty;

        // Ties are broken by type and channel so the result does not depend on the input order.
        var sorted = touchpoints.ToArray();
        Array.Sort(sorted, static (a, b) =>
        {
            int byTime = a.OccurredAt.CompareTo(b.OccurredAt);
            if (byTime != 0) return byTime;
            int byType = string.CompareOrdinal(a.Type, b.Type);
            return byType != 0 ? byType : a.Channel.CompareTo(b.Channel);
        });

        var moments = DeriveMoments(sorted, now, out var current);
        var rangeEnd = moments.Count > 0 && moments[^1].At > sorted[^1].OccurredAt ? moments[^1].At : sorted[^1].OccurredAt;
        var (size, channels, buckets) = CountPerChannel(sorted, rangeEnd);
        return new JourneyMapData(current, moments, size, channels, buckets);
    }

    private static List<StageMoment> DeriveMoments(JourneyTouchpoint[] sorted, DateTime now, out LifecycleStage stage)
    {
        var moments = new List<StageMoment>();
        stage = LifecycleStage.Unknown;
        int orders = 0;
        DateTime? firstOrderAt = null;
        DateTime? lastActivityAt = null;

        void MoveTo(LifecycleStage to, DateTime at, string trigger, ref LifecycleStage from)
        {
            if (to == from) return;
            moments.Add(new StageMoment(at, from, to, trigger));
            from = to;
        }

        foreach (var touchpoint in sorted)
        {
            AddInactivityMoments(touchpoint.OccurredAt, ref stage);
            var (signal, words) = Classify(touchpoint);
            var at = touchpoint.OccurredAt;
            bool purchased = orders > 0;

            switch (signal)
            {
                case Signal.Order:
                    orders++;
                    firstOrderAt ??= at;
                    var orderWords = OrderWords(orders);
                    if (orders == 1) MoveTo(LifecycleStage.Purchase, at, orderWords, ref stage);
                    else if (stage is LifecycleStage.AtRisk or LifecycleStage.Lapsed) MoveTo(LifecycleStage.Retention, at, $"won back: {orderWords}", ref stage);
                    else if (orders >= AdvocateOrderCount) MoveTo(LifecycleStage.Advocacy, at, orderWords, ref stage);
                    else if (stage is LifecycleStage.Purchase or LifecycleStage.Onboarding) MoveTo(LifecycleStage.Retention, at, orderWords, ref stage);
                    break;
                case Signal.Interest when !purchased && stage is LifecycleStage.Unknown or LifecycleStage.Awareness:
                    MoveTo(LifecycleStage.Consideration, at, words, ref stage);
                    break;
                case Signal.Setback when purchased && stage != LifecycleStage.Lapsed:
                    MoveTo(LifecycleStage.AtRisk, at, words, ref stage);
                    break;
                case Signal.Advocacy when stage is LifecycleStage.Purchase or LifecycleStage.Onboarding or LifecycleStage.Retention:
                    MoveTo(LifecycleStage.Advocacy, at, words, ref stage);
                    break;
                // Own activity after the first order: onboarding while it is fresh, retention once it lasts.
                case Signal.Visit or Signal.Interest when stage is LifecycleStage.Purchase or LifecycleStage.Onboarding:
                    if (at - firstOrderAt!.Value <= OnboardingWindow) MoveTo(LifecycleStage.Onboarding, at, words, ref stage);
                    else MoveTo(LifecycleStage.Retention, at, $"still active after the first {OnboardingWindow.Days} days", ref stage);
                    break;
            }
            // Whatever else reached us is at least a first contact.
            if (stage == LifecycleStage.Unknown && signal != Signal.Neutral)
                MoveTo(LifecycleStage.Awareness, at, words, ref stage);

            if (IsOwnActivity(signal, touchpoint.Type)) lastActivityAt = at;
        }
        AddInactivityMoments(now, ref stage);
        return moments;

        // Inserts the inactivity moments whose thresholds passed between the last own activity and `until`.
        void AddInactivityMoments(DateTime until, ref LifecycleStage current)
        {
            if (orders == 0 || lastActivityAt is not { } last) return;
            var atRiskAt = last + AtRiskAfterInactivity;
            if (current is not (LifecycleStage.AtRisk or LifecycleStage.Lapsed) && atRiskAt <= until)
                MoveTo(LifecycleStage.AtRisk, atRiskAt, $"no activity for {AtRiskAfterInactivity.Days} days", ref current);
            var lapsedAt = last + LapsedAfterInactivity;
            if (current != LifecycleStage.Lapsed && lapsedAt <= until)
                MoveTo(LifecycleStage.Lapsed, lapsedAt, $"no activity for {LapsedAfterInactivity.Days} days", ref current);
        }
    }

    // A bounce is a setback but not something the customer did.
    private static bool IsOwnActivity(Signal signal, string type) => signal is not (Signal.Neutral or Signal.Outbound) && type != "email.bounced";

    /// <summary>The rule-relevant kind of a touchpoint and plain words for it (used as the trigger).</summary>
    private static (Signal Signal, string Words) Classify(JourneyTouchpoint touchpoint) => touchpoint.Type switch
    {
        "order.placed" => (Signal.Order, "order"),
        "order.returned" => (Signal.Setback, "returned an order"),
        "order.cancelled" => (Signal.Setback, "cancelled an order"),
        "email.unsubscribed" => (Signal.Setback, "unsubscribed from email"),
        "email.complained" => (Signal.Setback, "complained about email"),
        // A bounce says nothing about the customer's intent but means email no longer reaches them.
        "email.bounced" => (Signal.Setback, "email bounced"),
        "email.sent" or "email.delivered" => (Signal.Outbound, "received an email"),
        "email.opened" => (Signal.Interest, "opened an email"),
        "email.clicked" => (Signal.Interest, "clicked an email"),
        "ticket.opened" => (Signal.Interest, "contacted support"),
        // Solved and closed are the agent's doing.
        "ticket.solved" or "ticket.closed" => (Signal.Outbound, "support ticket answered"),
        "identify" => (Signal.Interest, "signed in"),
        "page.viewed" => (Signal.Visit, "visited the website"),
        "screen.viewed" => (Signal.Visit, "used the app"),
        // Identity bookkeeping from the tracking API, not something the customer did.
        "alias" or "group" => (Signal.Neutral, ""),
        _ when touchpoint.Type.StartsWith("track:", StringComparison.Ordinal) => ClassifyTrackedEvent(touchpoint.Type.AsSpan(6), touchpoint.Channel),
        _ => (Signal.Neutral, ""),
    };

    /// <summary>Tracked event names are free text from the site or app; the common e-commerce names are recognised.</summary>
    private static (Signal, string) ClassifyTrackedEvent(ReadOnlySpan<char> name, InteractionChannel channel)
    {
        if (name.Equals("Order Completed", StringComparison.OrdinalIgnoreCase))
            // Orders come from the shop as order.placed; counting the tracked event too would count each order twice.
            return (Signal.Visit, "completed checkout");
        if (name.Equals("Signed Up", StringComparison.OrdinalIgnoreCase) || name.Equals("Create Account", StringComparison.OrdinalIgnoreCase)
            || name.Equals("Account Created", StringComparison.OrdinalIgnoreCase))
            return (Signal.Interest, "signed up");
        if (name.StartsWith("Product Added", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Cart", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("Checkout", StringComparison.OrdinalIgnoreCase))
            return (Signal.Interest, "added to cart");
        if (name.Contains("Review", StringComparison.OrdinalIgnoreCase))
            return (Signal.Advocacy, "wrote a review");
        if (name.Contains("Referr", StringComparison.OrdinalIgnoreCase) || name.Contains("Shared", StringComparison.OrdinalIgnoreCase))
            return (Signal.Advocacy, "recommended us");
        if (name.StartsWith("Product", StringComparison.OrdinalIgnoreCase))
            return (Signal.Interest, "viewed products");
        return (Signal.Visit, channel == InteractionChannel.App ? "used the app" : "visited the website");
    }

    private static readonly string[] OrdinalWords = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];

    private static string OrderWords(int number)
    {
        if (number <= OrdinalWords.Length) return $"{OrdinalWords[number - 1]} order";
        string suffix = (number % 100) is 11 or 12 or 13 ? "th" : (number % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };
        return $"{number}{suffix} order";
    }

    private static (JourneyBucketSize, IReadOnlyList<InteractionChannel>, IReadOnlyList<TouchpointBucket>) CountPerChannel(
        JourneyTouchpoint[] sorted, DateTime rangeEnd)
    {
        var first = sorted[0].OccurredAt;
        var span = rangeEnd - first;
        var size = span <= MaxSpanForDays ? JourneyBucketSize.Day : span <= MaxSpanForWeeks ? JourneyBucketSize.Week : JourneyBucketSize.Month;

        var starts = new List<DateTime>();
        for (var start = BucketStart(first, size); start <= rangeEnd; start = Next(start, size)) starts.Add(start);

        var channelCount = Enum.GetValues<InteractionChannel>().Length;
        var counts = new int[starts.Count, channelCount];
        var seen = new bool[channelCount];
        int bucket = 0;
        // Touchpoints are sorted, so the bucket index only moves forward: one pass.
        foreach (var touchpoint in sorted)
        {
            while (bucket + 1 < starts.Count && starts[bucket + 1] <= touchpoint.OccurredAt) bucket++;
            counts[bucket, (int)touchpoint.Channel]++;
            seen[(int)touchpoint.Channel] = true;
        }

        var channels = Enum.GetValues<InteractionChannel>().Where(c => seen[(int)c]).ToArray();
        var buckets = new TouchpointBucket[starts.Count];
        for (int i = 0; i < starts.Count; i++)
        {
            var perChannel = new Dictionary<InteractionChannel, int>(channels.Length);
            foreach (var channel in channels) perChannel[channel] = counts[i, (int)channel];
            buckets[i] = new TouchpointBucket(starts[i], perChannel);
        }
        return (size, channels, buckets);
    }

    private static DateTime BucketStart(DateTime at, JourneyBucketSize size)
    {
        var day = new DateTime(at.Year, at.Month, at.Day, 0, 0, 0, DateTimeKind.Utc);
        return size switch
        {
            JourneyBucketSize.Day => day,
            // ISO weeks start on Monday.
            JourneyBucketSize.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
            _ => new DateTime(at.Year, at.Month, 1, 0, 0, 0, DateTimeKind.Utc),
        };
    }

    private static DateTime Next(DateTime start, JourneyBucketSize size) => size switch
    {
        JourneyBucketSize.Day => start.AddDays(1),
        JourneyBucketSize.Week => start.AddDays(7),
        _ => start.AddMonths(1),
    };
}
