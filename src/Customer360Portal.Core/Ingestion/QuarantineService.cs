namespace Customer360Portal.Core.Ingestion;

/// <summary>Browsing, fixing and replaying quarantined records. Being built: see issue 3.</summary>
public sealed class QuarantineService;
