namespace Customer360Portal.Core.Predictions.Churn;

/// <summary>One purchase: who bought, when, and for how much (the portal's "order.placed" interactions map onto it). A struct: scoring makes millions.</summary>
public readonly record struct PurchaseEvent(string CustomerId, DateTime Timestamp, decimal Amount);

/// <summary>An explicit cancellation (e.g. a subscription ended), for churn defined by cancellation instead of inactivity.</summary>
public sealed record CancellationEvent(string CustomerId, DateTime Timestamp);

/// <summary>A user mistake in the input of a churn evaluation (missing file, unknown column, one class only): said plainly, no stack trace.</summary>
public sealed class ChurnInputException(string message) : Exception(message);
