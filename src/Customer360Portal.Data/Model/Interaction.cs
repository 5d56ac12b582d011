namespace Customer360Portal.Data.Model;

public enum InteractionChannel { Web, App, Email, Sms, Phone, Chat, Store, Post, Agent, System }

/// <summary>One event on a customer's timeline, from any source.</summary>
public class Interaction
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public long? SourceRecordId { get; set; }
    public string SourceKey { get; set; } = "";
    /// <summary>What happened, e.g. "order.placed", "ticket.opened", "email.clicked", "page.viewed", "note".</summary>
    public string Type { get; set; } = "";
    public InteractionChannel Channel { get; set; }
    public LifecycleStage JourneyStage { get; set; }
    public DateTime OccurredAt { get; set; }
    /// <summary>One line for the timeline; free of data the viewer's role may not see.</summary>
    public string Summary { get; set; } = "";
    public long? AmountMinor { get; set; }
    public string? Currency { get; set; }
    /// <summary>Order number, ticket id, campaign id... for lookups and links.</summary>
    public string? Reference { get; set; }
    public string? DetailJson { get; set; }
    /// <summary>Product category the event is about (an order's first line, a product view), for segment rules; null when none.</summary>
    public string? Category { get; set; }
}

/// <summary>A note an employee wrote on a profile.</summary>
public class CustomerNote
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public string AuthorUserId { get; set; } = "";
    public string Text { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? FollowUpDueAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    /// <summary>The profile this row was written for: merges move it, unmerge sends it back there.</summary>
    public long? OriginCustomerId { get; set; }
}

/// <summary>What an interaction carries beyond its columns, stored as <see cref="Interaction.DetailJson"/>.</summary>
public sealed class InteractionDetails
{
    /// <summary>A ticket's satisfaction rating, 1 (bad) to 5 (good).</summary>
    public int? Satisfaction { get; set; }

    public static string Write(InteractionDetails details) => System.Text.Json.JsonSerializer.Serialize(details, InteractionDetailsJson.Default.InteractionDetails);

    public static InteractionDetails Read(string? json) =>
        string.IsNullOrEmpty(json) ? new() : System.Text.Json.JsonSerializer.Deserialize(json, InteractionDetailsJson.Default.InteractionDetails) ?? new();
}

/// <summary>
/// Source-generated, so the first profile with rated tickets does not pay for reflection-based serializer set-up
/// (the profile benchmark saw one such read take half a second).
/// </summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(InteractionDetails))]
internal sealed partial class InteractionDetailsJson : System.Text.Json.Serialization.JsonSerializerContext;
