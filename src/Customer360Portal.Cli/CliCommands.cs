using System.CommandLine;
using Customer360Portal.Core.Access;
using Customer360Portal.Core.Audit;
using Customer360Portal.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Hosting;

namespace Customer360Portal.Cli;

public static class CliCommands
{
    public static IEnumerable<Command> All()
    {
        yield return Migrate();
        yield return CreateAdmin();
        yield return Health();
        yield return Bench();
        yield return Commands.SyncCommand.Create();
        yield return Commands.LinkCommand.Create();
        yield return Commands.EvaluateNboCommand.Create();
        yield return Commands.EvaluateChurnCommand.Create();
    }

    /// <summary>Benchmarks print figures as they go and end with one JSON line for tooling.</summary>
    private static Command Bench()
    {
        var records = new Option<int>("--records") { Description = "How many generated records to ingest.", DefaultValueFactory = _ => 1_000_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the demo company generator.", DefaultValueFactory = _ => 42 };
        var ingest = new Command("ingest", "Push generated mixed records through the real intake into a fresh SQLite store.") { records, seed };
        ingest.SetAction((parse, cancellationToken) =>
            Benchmarks.IngestBenchmark.RunAsync(parse.GetValue(records), parse.GetValue(seed), Console.Out, cancellationToken));
        return new Command("bench", "Benchmarks at any size; CI runs each at a tiny size.") { ingest, Resolve(), SearchBench(), QualityBench(), SegmentsBench(), PredictBench() };
    }

    private static Command Resolve()
    {
        var records = new Option<int>("--records") { Description = "How many generated person records to deduplicate.", DefaultValueFactory = _ => 1_000_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic people generator.", DefaultValueFactory = _ => 42 };
        var incremental = new Option<int>("--incremental") { Description = "How many more records to resolve one at a time afterwards.", DefaultValueFactory = _ => 1_000 };
        var resolve = new Command("resolve", "Deduplicate generated person records with known truth in a fresh SQLite store: full resolution, accuracy, one-at-a-time latency.")
        {
            records, seed, incremental,
        };
        resolve.SetAction((parse, cancellationToken) => Benchmarks.ResolveBenchmark.RunAsync(parse.GetValue(records), parse.GetValue(seed),
            parse.GetValue(incremental), Console.Out, cancellationToken));
        return resolve;
    }

    private static Command SearchBench()
    {
        var profiles = new Option<int>("--profiles") { Description = "How many generated people (one profile each) to search among.", DefaultValueFactory = _ => 1_000_000 };
        var queries = new Option<int>("--queries") { Description = "How many searches to time.", DefaultValueFactory = _ => 1_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generator.", DefaultValueFactory = _ => 42 };
        var interactions = new Option<int>("--interactions-per-profile")
        {
            Description = "Average timeline entries per profile (skewed: about 1 in 1,000 has 1,000 or more).",
            DefaultValueFactory = _ => Benchmarks.SearchBenchmark.DefaultInteractionsPerProfile,
        };
        var search = new Command("search", "Agent search and the profile page over generated profiles in a fresh SQLite store: index build time, search and profile-page latency, recall@10.")
        {
            profiles, queries, seed, interactions,
        };
        search.SetAction((parse, cancellationToken) => Benchmarks.SearchBenchmark.RunAsync(parse.GetValue(profiles), parse.GetValue(queries),
            parse.GetValue(seed), parse.GetValue(interactions), Console.Out, cancellationToken));
        return search;
    }

    private static Command QualityBench()
    {
        var profiles = new Option<int>("--profiles") { Description = "How many generated people (one profile each) to scan.", DefaultValueFactory = _ => 1_000_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generator.", DefaultValueFactory = _ => 42 };
        var quality = new Command("quality", "The data quality scan over generated profiles in a fresh SQLite store: scan time, page open and incomplete-data list latency.")
        {
            profiles, seed,
        };
        quality.SetAction((parse, cancellationToken) => Benchmarks.QualityBenchmark.RunAsync(parse.GetValue(profiles), parse.GetValue(seed), Console.Out, cancellationToken));
        return quality;
    }

    private static Command SegmentsBench()
    {
        var profiles = new Option<int>("--profiles") { Description = "How many generated profiles the segments are drawn from.", DefaultValueFactory = _ => 1_000_000 };
        var repeats = new Option<int>("--repeats") { Description = "How many estimates of each rule kind to time.", DefaultValueFactory = _ => 25 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generator.", DefaultValueFactory = _ => 42 };
        var exactUpTo = new Option<int?>("--exact-up-to") { Description = "Overrides Segments:ExactUpTo (profile ids up to which sizes are exact), e.g. to time sampling on a small store." };
        var explain = new Option<bool>("--explain") { Description = "Also print SQLite's query plan of each rule kind's sampled query." };
        var segments = new Command("segments", "The segment builder's live size estimate over a realistic rule mix in a fresh SQLite store: p50/p95 per rule kind, estimate against exact count.")
        {
            profiles, repeats, seed, exactUpTo, explain,
        };
        segments.SetAction((parse, cancellationToken) => Benchmarks.SegmentBenchmark.RunAsync(parse.GetValue(profiles), parse.GetValue(repeats),
            parse.GetValue(seed), Console.Out, cancellationToken, parse.GetValue(exactUpTo), parse.GetValue(explain)));
        return segments;
    }

    private static Command PredictBench()
    {
        var customers = new Option<int>("--customers") { Description = "How many customers to score.", DefaultValueFactory = _ => 1_000_000 };
        var trainCustomers = new Option<int>("--train-customers") { Description = "How many customers to train on.", DefaultValueFactory = _ => 100_000 };
        var store = new Option<string?>("--store") { Description = "Folder for the generated stores: reused when it holds stores of the same sizes, kept afterwards." };
        var keep = new Option<bool>("--keep-store") { Description = "Keep the generated stores (in a temp folder unless --store is given)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the generator and the learner.", DefaultValueFactory = _ => 42 };
        var predict = new Command("predict", "Churn and next-best-offer training and scoring through the portal's own services on generated purchase histories: phases, rows/s, peak memory, held-out AUC and hit@5.")
        {
            customers, trainCustomers, store, keep, seed,
        };
        predict.SetAction((parse, cancellationToken) => Benchmarks.PredictBenchmark.RunAsync(parse.GetValue(customers), parse.GetValue(trainCustomers),
            parse.GetValue(store), parse.GetValue(keep), parse.GetValue(seed), Console.Out, cancellationToken));
        return predict;
    }

    /// <summary>For container health checks: the runtime image has no curl or wget.</summary>
    private static Command Health()
    {
        var url = new Option<string>("--url") { Description = "Health endpoint to probe.", DefaultValueFactory = _ => "http://localhost:8080/health" };
        var command = new Command("health", "Exit 0 when the portal's health endpoint answers 200, 1 otherwise.") { url };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                using var response = await http.GetAsync(parse.GetValue(url), cancellationToken);
                Console.WriteLine($"{(int)response.StatusCode} {response.ReasonPhrase}");
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Console.Error.WriteLine($"Unreachable: {e.GetType().Name}");
                return 1;
            }
        });
        return command;
    }

    private static Command Migrate()
    {
        var script = new Option<FileInfo?>("--script") { Description = "Write the idempotent SQL script to this file instead of applying it." };
        var command = new Command("migrate", "Apply pending migrations to the profile store (the explicit production step for SQL Server).") { script };
        Commands.StoreOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = BuildHost(parse);
            var migrator = host.Services.GetRequiredService<ProfileStoreMigrator>();
            if (parse.GetValue(script) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, migrator.Script(), cancellationToken);
                Console.WriteLine($"Wrote the migration script to {file.FullName}.");
                return 0;
            }
            await migrator.MigrateAsync(cancellationToken);
            Console.WriteLine("The profile store is up to date.");
            return 0;
        });
        return command;
    }

    private static Command CreateAdmin()
    {
        var email = new Option<string>("--email") { Description = "Sign-in email of the new admin.", Required = true };
        var name = new Option<string?>("--name") { Description = "Display name (default: the email)." };
        var command = new Command("create-admin", "Create an admin account. The password is read from standard input, so it never lands in shell history.")
        {
            email, name,
        };
        Commands.StoreOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = BuildHost(parse);
            var migrator = host.Services.GetRequiredService<ProfileStoreMigrator>();
            if (migrator.MigratesOnStartup)
                await migrator.MigrateAsync(cancellationToken);

            if (!Console.IsInputRedirected)
                Console.Error.Write("Password: ");
            var password = ReadPassword();
            if (string.IsNullOrEmpty(password))
            {
                Console.Error.WriteLine("No password was given on standard input.");
                return 2;
            }

            var users = host.Services.GetRequiredService<UserAdministration>();
            await users.EnsureRolesAsync();
            var result = await users.CreateAsync(parse.GetValue(email)!, parse.GetValue(name) ?? "", password,
                [Data.Model.PortalRoles.Admin], AuditActor.System("c360 create-admin"));
            if (!result.Succeeded)
            {
                foreach (var error in result.Errors) Console.Error.WriteLine(error);
                return 1;
            }
            Console.WriteLine("Admin created. Sign in to the portal with this email and password.");
            return 0;
        });
        return command;
    }

    private static string? ReadPassword()
    {
        if (Console.IsInputRedirected)
            return Console.In.ReadLine();
        // Interactive: read without echo.
        var password = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (password.Length > 0) password.Length--; continue; }
            password.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return password.ToString();
    }

    private static IHost BuildHost(ParseResult parse)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(Commands.StoreOptions.Overrides(parse));
        // Keep the tool's output to what it says itself (a filter: appsettings' log levels would override a minimum level).
        builder.Logging.AddFilter(level => level >= LogLevel.Warning);
        builder.AddProfileStore();
        builder.AddPortalIdentity();
        return builder.Build();
    }
}
