using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;

namespace Customer360Portal.Web.Components.Shared;

/// <summary>
/// Shows a friendly message with a reference the user can quote, and logs the failure under that reference.
/// The exception message is left out of the log on purpose: messages can quote data (a duplicate key, a value
/// that failed to parse), and personal data never goes into logs.
/// </summary>
public sealed class PortalErrorBoundary : ErrorBoundaryBase
{
    [Inject] public required ILogger<PortalErrorBoundary> Logger { get; init; }

    public string? Reference { get; private set; }

    protected override Task OnErrorAsync(Exception exception)
    {
        Reference = Guid.NewGuid().ToString("N")[..12];
        Logger.LogError("Unhandled UI error {Reference}: {ExceptionType} at {StackTrace}",
            Reference, exception.GetType().FullName, exception.StackTrace);
        return Task.CompletedTask;
    }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        if (CurrentException is null)
        {
            builder.AddContent(0, ChildContent);
            return;
        }
        builder.OpenComponent<ErrorNotice>(1);
        builder.AddComponentParameter(2, nameof(ErrorNotice.Reference), Reference);
        builder.CloseComponent();
    }
}
