namespace Customer360Portal.Web.Components.Shared;

/// <summary>
/// Tells the navigation's open-review count, in the same circuit, that a reviewer decided a pair or split a merge.
/// New reviews raised by resolution arrive through <see cref="Core.Profiles.ProfileChangeNotifier"/>.
/// </summary>
public sealed class ReviewDecisions
{
    public event Action? Decided;

    public void Publish() => Decided?.Invoke();
}
