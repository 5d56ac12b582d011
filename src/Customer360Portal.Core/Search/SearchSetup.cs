using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Search;

public sealed class SearchOptions
{
    public const string Section = "Search";
    /// <summary>How often the indexer looks for changed profiles.</summary>
    public TimeSpan IndexInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>The background loop: one indexing pass per tick, a failure is logged and the next tick tries again.</summary>
public sealed class SearchIndexer(SearchIndex index, IOptions<SearchOptions> options, ILogger<SearchIndexer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.IndexInterval);
        do
        {
            try
            {
                await index.RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Type only: messages can quote personal data.
                logger.LogError("Search index pass failed: {ExceptionType}", e.GetType().FullName);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

public static class SearchSetup
{
    /// <summary>Customer search and the indexer that keeps its keys in step with profiles.</summary>
    public static IHostApplicationBuilder AddSearch(this IHostApplicationBuilder builder, bool runInBackground = true)
    {
        builder.Services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.Section)
            .Validate(o => o.IndexInterval > TimeSpan.Zero, "Search:IndexInterval must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<SearchIndex>();
        builder.Services.AddSingleton<CustomerSearch>();
        if (runInBackground)
            builder.Services.AddHostedService<SearchIndexer>();
        return builder;
    }
}
