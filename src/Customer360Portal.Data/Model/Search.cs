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
