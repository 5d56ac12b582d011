using Customer360Portal.Core.Audit;
using Customer360Portal.Core.CustomerView;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Customer360Portal.Web.Components.Pages.Customers;

public partial class ProfileNotesPanel
{
    [Parameter, EditorRequired] public long CustomerId { get; set; }
    [Parameter, EditorRequired] public IReadOnlyList<FollowUpTask> Tasks { get; set; } = [];
    [Parameter, EditorRequired] public AuditActor Actor { get; set; } = default!;
    [Parameter] public bool MayWrite { get; set; }
    [Parameter] public IReadOnlyDictionary<string, string> UserNames { get; set; } = new Dictionary<string, string>();
    /// <summary>A note or task changed: the page reloads its header and timeline.</summary>
    [Parameter] public EventCallback Changed { get; set; }

    [Inject] public required CustomerNotes Notes { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required TimeProvider Clock { get; init; }

    private string? text;
    private DateTime? followUp;
    private bool busy;

    private DateTime Today => Clock.GetUtcNow().UtcDateTime.Date;

    private string AuthorName(string userId) => UserNames.GetValueOrDefault(userId, "a colleague");

    private async Task AddAsync()
    {
        if (string.IsNullOrWhiteSpace(text)) return;
        busy = true;
        try
        {
            await Notes.AddAsync(CustomerId, text, followUp is { } due ? DateOnly.FromDateTime(due) : null, Actor);
            Snackbar.Add(followUp is null ? "Note added." : "Follow-up added.", Severity.Success);
            (text, followUp) = (null, null);
            await Changed.InvokeAsync();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // The service's messages are written for people and quote no note text.
            Snackbar.Add(e.Message, Severity.Warning);
        }
        finally
        {
            busy = false;
        }
    }

    private async Task CompleteAsync(FollowUpTask task)
    {
        busy = true;
        try
        {
            await Notes.CompleteTaskAsync(CustomerId, task.NoteId, Actor);
            await Changed.InvokeAsync();
        }
        catch (InvalidOperationException e)
        {
            Snackbar.Add(e.Message, Severity.Warning);
        }
        finally
        {
            busy = false;
        }
    }
}
