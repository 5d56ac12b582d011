namespace Customer360Portal.Data.Model;

/// <summary>
/// A search key of an active profile: a 64-bit hash of a kind-prefixed term (a cleaned name token, its sound, a
/// formal given name, an email, the tail of a phone number, an order number, an account id...). Search hashes the
/// query's terms the same way and counts hits per profile, so typo-, sound- and nickname-tolerant name search works
/// the same on every provider without storing the terms themselves.
/// </summary>
public class CustomerSearchKey
{
    public long KeyHash { get; set; }
    public long CustomerId { get; set; }
}

/// <summary>
/// "This profile changed": written by every save that adds or changes a profile or moves its identifiers, in the same
/// transaction (see <see cref="ProfileStore"/>), and consumed by the search index, which deletes exactly the rows it
/// handled. A queue rather than a time mark: writers' clocks and commit order disagree (a write stamped earlier can commit
/// later, and on SQL Server transactions commit in any order), a row that exists is never missed.
/// </summary>
public class ProfileChange
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    /// <summary>Set only for a profile created in the same save, whose id the database assigns.</summary>
    public Customer? Customer { get; set; }
}
