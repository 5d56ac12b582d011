using System.Globalization;
using Customer360Portal.Core.Audit;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Customer360Portal.Core.Privacy;

/// <summary>
/// Privacy officers start an erasure from a verified erasure request; it runs in the background, one at a time, with
/// progress. Success completes the request with the receipt as its outcome. The job row names the request, never the person.
/// </summary>
public sealed class ErasureJobs(IDbContextFactory<ProfileStore> stores, TimeProvider clock)
{
    public const string Kind = "erasure";

    /// <summary>Progress of the erasure running in this process, by request id.</summary>
    public IReadOnlyDictionary<long, ErasureProgress> Running => running;
    public event Action? Changed;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, ErasureProgress> running = new();

    internal void Report(long requestId, ErasureProgress progress)
    {
        running[requestId] = progress;
        Changed?.Invoke();
    }

    internal void Finished(long requestId)
    {
        running.TryRemove(requestId, out _);
        Changed?.Invoke();
    }

    public static string TargetOf(long requestId) => $"privacy-request:{requestId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Queues the erasure a request asks for; the request must be an erasure, verified, open and linked to a profile.</summary>
    public async Task<long> RequestAsync(long requestId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var request = await store.PrivacyRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == requestId, cancellationToken)
            ?? throw new InvalidOperationException($"There is no request {requestId}.");
        if (request.Type != PrivacyRequestType.Erasure) throw new InvalidOperationException("Only an erasure request erases a person.");
        if (request.Status is PrivacyRequestStatus.Completed or PrivacyRequestStatus.Rejected) throw new InvalidOperationException("The request is closed.");
        if (request.Verification != IdentityVerification.Verified) throw new InvalidOperationException("Verify the requester's identity before erasing.");
        if (request.CustomerId is null) throw new InvalidOperationException("Link the request to the person's profile first.");

        var target = TargetOf(requestId);
        var pending = await store.Jobs.Where(j => j.Kind == Kind && j.Target == target && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running))
            .Select(j => (long?)j.Id).FirstOrDefaultAsync(cancellationToken);
        if (pending is { } id) return id;
        var now = clock.GetUtcNow().UtcDateTime;
        var job = new BackgroundJob { Kind = Kind, Target = target, Status = JobStatus.Queued, CreatedAt = now, RequestedByUserId = actor.UserId ?? actor.Name, Total = 5 };
        store.Jobs.Add(job);
        store.PrivacyRequestEvents.Add(new PrivacyRequestEvent { RequestId = requestId, At = now, UserId = actor.UserId, Action = "erasure-started" });
        store.AuditLog.Add(new AuditEntry
        {
            At = now, UserId = actor.UserId, UserName = actor.Name, Action = "erasure.requested", TargetType = "privacy-request",
            TargetId = requestId.ToString(CultureInfo.InvariantCulture),
        });
        await store.SaveChangesAsync(cancellationToken);
        Changed?.Invoke();
        return job.Id;
    }

    public async Task<BackgroundJob?> LatestAsync(long requestId, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var target = TargetOf(requestId);
        return await store.Jobs.AsNoTracking().Where(j => j.Kind == Kind && j.Target == target).OrderByDescending(j => j.Id).FirstOrDefaultAsync(cancellationToken);
    }
}

/// <summary>Runs queued erasures; a failure is recorded on the job (type only) and the request stays open.</summary>
public sealed class ErasureJobService(IDbContextFactory<ProfileStore> stores, PersonErasure erasure, ErasureJobs jobs, TimeProvider clock,
    ILogger<ErasureJobService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        do
        {
            try
            {
                while (await RunNextAsync(stoppingToken)) { }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError("Erasure pass failed: {ExceptionType}", e.GetType().FullName);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Runs the oldest queued erasure; false when none is queued.</summary>
    public async Task<bool> RunNextAsync(CancellationToken cancellationToken = default)
    {
        BackgroundJob? job;
        PrivacyRequest? request;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
        {
            job = await store.Jobs.Where(j => j.Kind == ErasureJobs.Kind && j.Status == JobStatus.Queued).OrderBy(j => j.Id).FirstOrDefaultAsync(cancellationToken);
            if (job is null) return false;
            var requestId = long.Parse(job.Target!.Split(':')[1], CultureInfo.InvariantCulture);
            request = await store.PrivacyRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == requestId, cancellationToken);
            job.Status = JobStatus.Running;
            job.StartedAt = clock.GetUtcNow().UtcDateTime;
            await store.SaveChangesAsync(cancellationToken);
        }
        var actor = new AuditActor(job.RequestedByUserId, "erasure job");
        JobStatus status;
        string message;
        ErasureReceipt? receipt = null;
        try
        {
            if (request?.CustomerId is not { } customerId) throw new InvalidOperationException("The request has no profile.");
            receipt = await erasure.EraseAsync(customerId, request.Id, actor, new ReportTo(p => jobs.Report(request.Id, p)), cancellationToken);
            status = JobStatus.Succeeded;
            message = $"Receipt {receipt.ReceiptId}: {receipt.ProfileIds.Count} profile(s) erased, {receipt.SuppressedIdentifiers} identifier(s) suppressed.";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            status = JobStatus.Failed;
            // Erasure messages name profile ids only; other exceptions are reported by type.
            message = e is InvalidOperationException ? $"Failed: {e.Message}" : $"Failed: {e.GetType().Name}. Nothing was removed (the rows go in one transaction).";
            logger.LogError("Erasure job {JobId} failed: {ExceptionType}", job.Id, e.GetType().FullName);
        }

        try
        {
            await RecordOutcomeAsync(job, request, status, message, receipt, cancellationToken);
        }
        finally
        {
            // Only now: pages reload on this and must find the request completed.
            if (request is not null) jobs.Finished(request.Id);
        }
        return true;
    }

    private async Task RecordOutcomeAsync(BackgroundJob job, PrivacyRequest? request, JobStatus status, string message, ErasureReceipt? receipt,
        CancellationToken cancellationToken)
    {
        await using var after = await stores.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await after.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(u => u
            .SetProperty(j => j.Status, status).SetProperty(j => j.Message, message).SetProperty(j => j.Done, status == JobStatus.Succeeded ? 5 : 0)
            .SetProperty(j => j.FinishedAt, now), cancellationToken);
        if (receipt is not null && request is not null)
        {
            await after.PrivacyRequests.Where(r => r.Id == request.Id).ExecuteUpdateAsync(u => u
                .SetProperty(r => r.Status, PrivacyRequestStatus.Completed).SetProperty(r => r.CompletedAt, now)
                .SetProperty(r => r.Outcome, receipt.ToJson()).SetProperty(r => r.Version, r => r.Version + 1), cancellationToken);
            after.PrivacyRequestEvents.Add(new PrivacyRequestEvent { RequestId = request.Id, At = now, UserId = job.RequestedByUserId, Action = "completed", Note = $"erasure receipt {receipt.ReceiptId}" });
            await after.SaveChangesAsync(cancellationToken);
        }
    }

    private sealed class ReportTo(Action<ErasureProgress> report) : IProgress<ErasureProgress>
    {
        public void Report(ErasureProgress value) => report(value);
    }
}
