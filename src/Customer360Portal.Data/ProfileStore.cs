using Customer360Portal.Data.Model;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Customer360Portal.Data;

/// <summary>
/// The profile store: the one EF Core model of the product, Identity's tables included.
/// Each provider has a subclass so that its migrations live apart (see <see cref="SqliteProfileStore"/>,
/// <see cref="SqlServerProfileStore"/>). Add a migration for both providers after a model change:
/// <code>
/// dotnet ef migrations add Name --project src/Customer360Portal.Data --context SqliteProfileStore --output-dir Migrations/Sqlite
/// dotnet ef migrations add Name --project src/Customer360Portal.Data --context SqlServerProfileStore --output-dir Migrations/SqlServer
/// </code>
/// </summary>
public abstract class ProfileStore(DbContextOptions options)
    : IdentityDbContext<PortalUser>(options), IDataProtectionKeyContext
{
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Identifier> Identifiers => Set<Identifier>();
    public DbSet<DataSource> DataSources => Set<DataSource>();
    public DbSet<SourceRecord> SourceRecords => Set<SourceRecord>();
    public DbSet<QuarantinedRecord> Quarantine => Set<QuarantinedRecord>();
    public DbSet<SourceApiKey> SourceApiKeys => Set<SourceApiKey>();
    public DbSet<ProcessingMark> ProcessingMarks => Set<ProcessingMark>();
    public DbSet<Interaction> Interactions => Set<Interaction>();
    public DbSet<CustomerNote> Notes => Set<CustomerNote>();
    public DbSet<ConsentEvent> ConsentEvents => Set<ConsentEvent>();
    public DbSet<ConsentState> ConsentStates => Set<ConsentState>();
    public DbSet<CustomerTrait> Traits => Set<CustomerTrait>();
    public DbSet<CustomerScore> Scores => Set<CustomerScore>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<MergeRecord> Merges => Set<MergeRecord>();
    public DbSet<SuppressionEntry> Suppressions => Set<SuppressionEntry>();
    public DbSet<PrivacyRequest> PrivacyRequests => Set<PrivacyRequest>();
    public DbSet<PredictionModel> PredictionModels => Set<PredictionModel>();
    public DbSet<PrivacyRequestEvent> PrivacyRequestEvents => Set<PrivacyRequestEvent>();
    public DbSet<MatchReview> MatchReviews => Set<MatchReview>();
    public DbSet<ProfileMatchKey> MatchKeys => Set<ProfileMatchKey>();
    public DbSet<MatchModelVersion> MatchModels => Set<MatchModelVersion>();
    public DbSet<CustomerSearchKey> SearchKeys => Set<CustomerSearchKey>();
    public DbSet<ProfileChange> ProfileChanges => Set<ProfileChange>();
    public DbSet<BackgroundJob> Jobs => Set<BackgroundJob>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    // Insights dashboard
    public DbSet<InsightsSnapshot> InsightsSnapshots => Set<InsightsSnapshot>();
    public DbSet<StageMark> StageMarks => Set<StageMark>();

    // Next best offer: what customers bought, the offers the business defines, and what customers said to them.
    public DbSet<PurchasedItem> PurchasedItems => Set<PurchasedItem>();
    public DbSet<MarketingOffer> Offers => Set<MarketingOffer>();
    public DbSet<OfferFeedback> OfferFeedback => Set<OfferFeedback>();
    // Data quality centre
    public DbSet<QualitySnapshot> QualitySnapshots => Set<QualitySnapshot>();

    // Segments: definitions, their versions, members of the last refresh and the size history.
    public DbSet<Segment> Segments => Set<Segment>();
    public DbSet<SegmentVersion> SegmentVersions => Set<SegmentVersion>();
    public DbSet<SegmentMember> SegmentMembers => Set<SegmentMember>();
    public DbSet<SegmentSnapshot> SegmentSnapshots => Set<SegmentSnapshot>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        using var _ = new ChangesDetectedOnce(ChangeTracker);
        var noted = NoteProfileChanges();
        var saved = base.SaveChanges(acceptAllChangesOnSuccess);
        if (acceptAllChangesOnSuccess) Forget(noted);
        return saved;
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        using var _ = new ChangesDetectedOnce(ChangeTracker);
        var noted = NoteProfileChanges();
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (acceptAllChangesOnSuccess) Forget(noted);
        return saved;
    }

    /// <summary>
    /// Detects changes once, for the notes and the save together: every Entries() call and the save would each scan
    /// the whole tracker again, and a projection batch tracks thousands of rows.
    /// </summary>
    private readonly struct ChangesDetectedOnce : IDisposable
    {
        private readonly Microsoft.EntityFrameworkCore.ChangeTracking.ChangeTracker tracker;
        private readonly bool auto;

        public ChangesDetectedOnce(Microsoft.EntityFrameworkCore.ChangeTracking.ChangeTracker tracker)
        {
            this.tracker = tracker;
            auto = tracker.AutoDetectChangesEnabled;
            if (auto) tracker.DetectChanges();
            tracker.AutoDetectChangesEnabled = false;
        }

        public void Dispose() => tracker.AutoDetectChangesEnabled = auto;
    }

    // Saved notes are of no further use to this context; a long batch would otherwise track thousands.
    private void Forget(List<ProfileChange>? noted)
    {
        foreach (var change in noted ?? []) Entry(change).State = EntityState.Detached;
    }

    /// <summary>
    /// Leaves a <see cref="ProfileChange"/> for every profile this save adds or changes, or whose identifiers it adds,
    /// moves or removes, so the search index hears of it whatever the writer (set-based writes note their own).
    /// </summary>
    private List<ProfileChange>? NoteProfileChanges()
    {
        List<ProfileChange>? changes = null;
        var noted = new HashSet<long>();
        foreach (var entry in ChangeTracker.Entries<Customer>())
        {
            if (entry.State == EntityState.Added) (changes ??= []).Add(new ProfileChange { Customer = entry.Entity });
            // A deleted profile has nothing to index (and a note would point at a row that is gone).
            else if (entry.State is EntityState.Deleted) noted.Add(entry.Entity.Id);
        }
        void Note(long customerId)
        {
            if (customerId > 0 && noted.Add(customerId)) (changes ??= []).Add(new ProfileChange { CustomerId = customerId });
        }
        foreach (var entry in ChangeTracker.Entries<Customer>())
            if (entry.State == EntityState.Modified) Note(entry.Entity.Id);
        foreach (var entry in ChangeTracker.Entries<Identifier>())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
            var owner = entry.Property(i => i.CustomerId);
            if (!owner.IsTemporary) Note(owner.CurrentValue);
            if (entry.State == EntityState.Modified) Note(owner.OriginalValue);
        }
        if (changes is not null) ProfileChanges.AddRange(changes);
        return changes;
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        // Identity reads its schema version from IdentityOptions in the application service provider: a context built
        // outside DI silently gets the v1 schema. Fail loudly instead (see IdentitySchema).
        IdentitySchema.EnsureConfigured(this);
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(ProfileStore).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder conventions)
    {
        // Enums as readable strings: the database stays understandable and survives reordering of members.
        foreach (var enumType in typeof(ProfileStore).Assembly.GetTypes().Where(t => t.IsEnum && t.Namespace == typeof(Customer).Namespace))
        {
            conventions.Properties(enumType).HaveConversion<string>().HaveMaxLength(32);
        }
        // Every timestamp is UTC; SQLite forgets the kind, so restore it on the way out.
        conventions.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        conventions.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        toStore => toStore.Kind == DateTimeKind.Local ? toStore.ToUniversalTime() : toStore,
        fromStore => DateTime.SpecifyKind(fromStore, DateTimeKind.Utc));
}

/// <summary>The embedded default: SQLite, with its own migrations in Migrations/Sqlite.</summary>
public sealed class SqliteProfileStore(DbContextOptions<SqliteProfileStore> options) : ProfileStore(options);

/// <summary>The production store: SQL Server, with its own migrations in Migrations/SqlServer.</summary>
public sealed class SqlServerProfileStore(DbContextOptions<SqlServerProfileStore> options) : ProfileStore(options);
