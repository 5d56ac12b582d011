using System.Linq.Expressions;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Segments;

/// <summary>
/// Turns a rule tree into one EF Core query over the profiles a segment may contain (active, not merged away; erased
/// and restricted profiles are never active), with a correlated EXISTS or COUNT subquery per behaviour, trait,
/// prediction, consent, source and membership rule. Every value travels as a SQL parameter, so the same shape of
/// tree reuses the compiled query while a marketer edits values.
/// Unknown values never match a comparison (not even "is not" or "is none of"); only "is unknown" finds them.
/// </summary>
public static class SegmentCompiler
{
    /// <summary>Who any segment is drawn from.</summary>
    public static IQueryable<Customer> Eligible(ProfileStore store) =>
        store.Customers.AsNoTracking().Where(c => c.Status == CustomerStatus.Active && c.MergedIntoId == null);

    /// <summary>The segment's members (validate the tree first: invalid rules throw <see cref="SegmentRuleException"/>).</summary>
    public static IQueryable<Customer> Query(ProfileStore store, SegmentRule rule, DateTime now) =>
        Eligible(store).Where(Predicate(store, rule, now));

    public static Expression<Func<Customer, bool>> Predicate(ProfileStore store, SegmentRule rule, DateTime now) =>
        new Builder(store, now).Rule(rule);

    private sealed class Builder(ProfileStore store, DateTime now)
    {
        public Expression<Func<Customer, bool>> Rule(SegmentRule rule) => rule switch
        {
            GroupRule g => Negated(g.Combinator == GroupCombinator.All ? All(g.Rules.Select(Rule)) : Any(g.Rules.Select(Rule)), g.Negate),
            FieldRule f => Field(f),
            TraitRule t => Trait(t),
            BehaviourRule b => Behaviour(b),
            PredictionRule p => Prediction(p),
            ConsentRule c => Consent(c),
            SourceRule s => Source(s),
            SegmentMembershipRule m => Membership(m),
            _ => throw new SegmentRuleException("Unknown rule type."),
        };

        // ------------------------------------------------------------------ subquery rules

        private Expression<Func<Customer, bool>> Behaviour(BehaviourRule rule)
        {
            var type = rule.Event;
            var events = store.Interactions.Where(i => i.Type == type);
            if (rule.Category is { Length: > 0 } category) events = events.Where(i => i.Category == category);
            if (rule.WithinDays is { } days)
            {
                var since = now.AddDays(-days);
                events = events.Where(i => i.OccurredAt >= since);
            }
            if (rule.Channel is { } channel) events = events.Where(i => i.Channel == channel);
            var times = rule.Times;
            Expression<Func<Customer, bool>> did = times == 1
                ? c => events.Any(i => i.CustomerId == c.Id)
                : c => events.Count(i => i.CustomerId == c.Id) >= times;
            return Negated(did, !rule.Did);
        }

        private Expression<Func<Customer, bool>> Trait(TraitRule rule)
        {
            var key = rule.Key.Trim();
            var traits = store.Traits.Where(t => t.Key == key);
            var values = rule.Values.Select(v => v.Trim().ToLowerInvariant()).ToList();
            var value = values.FirstOrDefault() ?? "";
            return rule.Operator switch
            {
                RuleOperator.IsKnown => c => traits.Any(t => t.CustomerId == c.Id && t.Value != ""),
                RuleOperator.IsUnknown => c => !traits.Any(t => t.CustomerId == c.Id && t.Value != ""),
                RuleOperator.EqualTo => c => traits.Any(t => t.CustomerId == c.Id && t.Value.ToLower() == value),
                RuleOperator.NotEqualTo => c => traits.Any(t => t.CustomerId == c.Id && t.Value != "" && t.Value.ToLower() != value),
                RuleOperator.In => c => traits.Any(t => t.CustomerId == c.Id && values.Contains(t.Value.ToLower())),
                RuleOperator.NotIn => c => traits.Any(t => t.CustomerId == c.Id && t.Value != "" && !values.Contains(t.Value.ToLower())),
                RuleOperator.Contains => c => traits.Any(t => t.CustomerId == c.Id && t.Value.ToLower().Contains(value)),
                RuleOperator.StartsWith => c => traits.Any(t => t.CustomerId == c.Id && t.Value.ToLower().StartsWith(value)),
                _ => throw new SegmentRuleException("Traits are compared as text."),
            };
        }

        private Expression<Func<Customer, bool>> Prediction(PredictionRule rule)
        {
            var kind = rule.Kind;
            var scores = store.Scores.Where(s => s.Kind == kind);
            if (kind == ScoreKind.NextBestOffer)
            {
                var offer = (rule.Offer ?? "").Trim();
                var prefixed = "offer:" + offer;
                scores = scores.Where(s => s.Label == offer || s.Label == prefixed);
            }
            else
            {
                if (rule.Band is { } band)
                {
                    var label = band.Trim().ToLowerInvariant();
                    scores = scores.Where(s => s.Label == label);
                }
                if (rule.MinScore is { } min) scores = scores.Where(s => s.Value >= min);
                if (rule.MaxScore is { } max) scores = scores.Where(s => s.Value <= max);
            }
            return c => scores.Any(s => s.CustomerId == c.Id);
        }

        private Expression<Func<Customer, bool>> Consent(ConsentRule rule)
        {
            // The consent check's meaning of "granted": a Granted state that has not expired (no record = not granted).
            var purpose = rule.Purpose;
            var at = now;
            Expression<Func<Customer, bool>> granted = c => store.ConsentStates.Any(s => s.CustomerId == c.Id && s.Purpose == purpose
                && s.Status == ConsentStatus.Granted && (s.ExpiresAt == null || s.ExpiresAt > at));
            return Negated(granted, !rule.Granted);
        }

        private Expression<Func<Customer, bool>> Source(SourceRule rule)
        {
            var key = rule.Source.Trim();
            return c => store.SourceRecords.Any(r => r.CustomerId == c.Id && r.SourceKey == key);
        }

        private Expression<Func<Customer, bool>> Membership(SegmentMembershipRule rule)
        {
            var id = rule.SegmentId;
            Expression<Func<Customer, bool>> member = c => store.SegmentMembers.Any(m => m.SegmentId == id && m.CustomerId == c.Id);
            return Negated(member, !rule.Member);
        }

        // ------------------------------------------------------------------ fields

        private Expression<Func<Customer, bool>> Field(FieldRule rule)
        {
            var field = SegmentFields.Find(rule.Field) ?? throw new SegmentRuleException($"Unknown field \"{rule.Field}\".");
            return field.Name switch
            {
                "givenName" => Text(c => c.GivenName, rule),
                "familyName" => Text(c => c.FamilyName, rule),
                "email" => Text(c => c.Email, rule),
                "phone" => Text(c => c.Phone, rule),
                "city" => Text(c => c.City, rule),
                "postcode" => Text(c => c.Postcode, rule),
                "country" => Text(c => c.Country, rule),
                "lifecycleStage" => Stage(rule),
                "anonymous" => Flag(rule),
                "dateOfBirth" => Ordered(rule, c => c.DateOfBirth != null, (op, v) => Compare<DateOnly?>(c => c.DateOfBirth, op, Date(v))),
                "createdAt" => Ordered(rule, c => true, (op, v) => Day(c => c.CreatedAt, op, Date(v))),
                "orderCount" => Ordered(rule, c => true, (op, v) => Compare<long>(c => c.OrderCount, op, (long)v)),
                "lifetimeValue" => Ordered(rule, c => true, (op, v) => Compare<long>(c => c.LifetimeValueMinor, op, Minor(v))),
                "averageOrderValue" => Ordered(rule, c => c.OrderCount > 0, (op, v) => AverageOrderValue(op, Minor(v))),
                "daysSinceLastPurchase" => Ordered(rule, c => c.LastPurchaseAt != null, (op, v) => DaysSince(c => c.LastPurchaseAt, op, (int)v)),
                "daysSinceLastActivity" => Ordered(rule, c => c.LastActivityAt != null, (op, v) => DaysSince(c => c.LastActivityAt, op, (int)v)),
                "tenureDays" => Ordered(rule, c => c.FirstPurchaseAt != null, (op, v) => DaysSince(c => c.FirstPurchaseAt, op, (int)v)),
                "age" => Ordered(rule, c => c.DateOfBirth != null, (op, v) => Age(op, (int)v)),
                _ => throw new SegmentRuleException($"Unknown field \"{rule.Field}\"."),
            };
        }

        private static Expression<Func<Customer, bool>> Text(Expression<Func<Customer, string?>> select, FieldRule rule)
        {
            var values = rule.Values.Select(v => v.Trim().ToLowerInvariant()).ToList();
            var value = values.FirstOrDefault() ?? "";
            Expression<Func<string?, bool>> test = rule.Operator switch
            {
                RuleOperator.IsKnown => x => x != null && x != "",
                RuleOperator.IsUnknown => x => x == null || x == "",
                RuleOperator.EqualTo => x => x != null && x.ToLower() == value,
                RuleOperator.NotEqualTo => x => x != null && x != "" && x.ToLower() != value,
                RuleOperator.In => x => x != null && values.Contains(x.ToLower()),
                RuleOperator.NotIn => x => x != null && x != "" && !values.Contains(x.ToLower()),
                RuleOperator.Contains => x => x != null && x.ToLower().Contains(value),
                RuleOperator.StartsWith => x => x != null && x.ToLower().StartsWith(value),
                _ => throw new SegmentRuleException($"Text cannot be compared with \"{SegmentSentence.OperatorText(rule.Operator)}\"."),
            };
            return On(select, test);
        }

        private static Expression<Func<Customer, bool>> Stage(FieldRule rule)
        {
            var stages = rule.Values.Select(v => SegmentValidation.TryStage(v, out var s) ? s : throw new SegmentRuleException($"Unknown stage \"{v}\".")).ToList();
            var stage = stages.FirstOrDefault();
            return rule.Operator switch
            {
                RuleOperator.IsKnown => c => c.LifecycleStage != LifecycleStage.Unknown,
                RuleOperator.IsUnknown => c => c.LifecycleStage == LifecycleStage.Unknown,
                RuleOperator.EqualTo => c => c.LifecycleStage == stage,
                RuleOperator.NotEqualTo => c => c.LifecycleStage != LifecycleStage.Unknown && c.LifecycleStage != stage,
                RuleOperator.In => c => stages.Contains(c.LifecycleStage),
                RuleOperator.NotIn => c => c.LifecycleStage != LifecycleStage.Unknown && !stages.Contains(c.LifecycleStage),
                _ => throw new SegmentRuleException($"Stages cannot be compared with \"{SegmentSentence.OperatorText(rule.Operator)}\"."),
            };
        }

        private static Expression<Func<Customer, bool>> Flag(FieldRule rule)
        {
            var wanted = bool.Parse(rule.Values.Single().Trim()) == (rule.Operator == RuleOperator.EqualTo);
            return c => c.Anonymous == wanted;
        }

        /// <summary>The ordered operators in terms of one comparison per value, guarded by "is known".</summary>
        private static Expression<Func<Customer, bool>> Ordered(FieldRule rule, Expression<Func<Customer, bool>> known,
            Func<ExpressionType, decimal, Expression<Func<Customer, bool>>> compare)
        {
            var field = SegmentFields.Find(rule.Field)!;
            var values = rule.Values.Select(v => field.Kind == FieldKind.Date
                ? SegmentValidation.TryDate(v, out var d) ? d.DayNumber : throw new SegmentRuleException($"\"{v}\" is not a date (yyyy-MM-dd).")
                : SegmentValidation.TryNumber(v, out var n) ? n : throw new SegmentRuleException($"\"{v}\" is not a number.")).ToList();
            Expression<Func<Customer, bool>> Cmp(ExpressionType op, decimal value) => All([known, compare(op, value)]);
            return rule.Operator switch
            {
                RuleOperator.IsKnown => known,
                RuleOperator.IsUnknown => Negated(known, true),
                RuleOperator.EqualTo => Cmp(ExpressionType.Equal, values[0]),
                RuleOperator.NotEqualTo => All([known, Negated(Cmp(ExpressionType.Equal, values[0]), true)]),
                RuleOperator.In => Any(values.Select(v => Cmp(ExpressionType.Equal, v))),
                RuleOperator.NotIn => All([known, Negated(Any(values.Select(v => Cmp(ExpressionType.Equal, v))), true)]),
                RuleOperator.GreaterThan => Cmp(ExpressionType.GreaterThan, values[0]),
                RuleOperator.GreaterOrEqual => Cmp(ExpressionType.GreaterThanOrEqual, values[0]),
                RuleOperator.LessThan => Cmp(ExpressionType.LessThan, values[0]),
                RuleOperator.LessOrEqual => Cmp(ExpressionType.LessThanOrEqual, values[0]),
                RuleOperator.Between => All([Cmp(ExpressionType.GreaterThanOrEqual, values[0]), Cmp(ExpressionType.LessThanOrEqual, values[1])]),
                _ => throw new SegmentRuleException($"Numbers and dates cannot be compared with \"{SegmentSentence.OperatorText(rule.Operator)}\"."),
            };
        }

        private static DateOnly Date(decimal dayNumber) => DateOnly.FromDayNumber((int)dayNumber);

        /// <summary>Major currency units to minor (cents).</summary>
        private static long Minor(decimal value) => (long)Math.Round(value * 100m, MidpointRounding.AwayFromZero);

        /// <summary>A timestamp compared by whole UTC days: "equals 2026-11-01" is any time that day.</summary>
        private static Expression<Func<Customer, bool>> Day(Expression<Func<Customer, DateTime>> select, ExpressionType op, DateOnly day)
        {
            var start = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            var next = start.AddDays(1);
            return op switch
            {
                ExpressionType.Equal => All([Compare(select, ExpressionType.GreaterThanOrEqual, start), Compare(select, ExpressionType.LessThan, next)]),
                ExpressionType.GreaterThan => Compare(select, ExpressionType.GreaterThanOrEqual, next),
                ExpressionType.GreaterThanOrEqual => Compare(select, ExpressionType.GreaterThanOrEqual, start),
                ExpressionType.LessThan => Compare(select, ExpressionType.LessThan, start),
                _ => Compare(select, ExpressionType.LessThan, next),
            };
        }

        /// <summary>
        /// Whole days since a moment (floor): "at least N days" is at or before now − N days, "at most N days" is after
        /// now − (N+1) days.
        /// </summary>
        private Expression<Func<Customer, bool>> DaysSince(Expression<Func<Customer, DateTime?>> select, ExpressionType op, int days)
        {
            Expression<Func<Customer, bool>> AtLeast(int n) => Compare(select, ExpressionType.LessThanOrEqual, (DateTime?)now.AddDays(-n));
            Expression<Func<Customer, bool>> AtMost(int n) => Compare(select, ExpressionType.GreaterThan, (DateTime?)now.AddDays(-(n + 1)));
            return op switch
            {
                ExpressionType.Equal => All([AtLeast(days), AtMost(days)]),
                ExpressionType.GreaterThan => AtLeast(days + 1),
                ExpressionType.GreaterThanOrEqual => AtLeast(days),
                ExpressionType.LessThan => AtMost(days - 1),
                _ => AtMost(days),
            };
        }

        /// <summary>Age in whole years today (UTC): "at least A" is born on or before today − A years.</summary>
        private Expression<Func<Customer, bool>> Age(ExpressionType op, int years)
        {
            var today = DateOnly.FromDateTime(now);
            Expression<Func<Customer, bool>> AtLeast(int n) => Compare<DateOnly?>(c => c.DateOfBirth, ExpressionType.LessThanOrEqual, today.AddYears(-n));
            Expression<Func<Customer, bool>> AtMost(int n) => Compare<DateOnly?>(c => c.DateOfBirth, ExpressionType.GreaterThan, today.AddYears(-(n + 1)));
            return op switch
            {
                ExpressionType.Equal => All([AtLeast(years), AtMost(years)]),
                ExpressionType.GreaterThan => AtLeast(years + 1),
                ExpressionType.GreaterThanOrEqual => AtLeast(years),
                ExpressionType.LessThan => AtMost(years - 1),
                _ => AtMost(years),
            };
        }

        /// <summary>Lifetime value ÷ order count compared without division: value·orders against lifetime value.</summary>
        private static Expression<Func<Customer, bool>> AverageOrderValue(ExpressionType op, long minor)
        {
            var next = minor + 1;
            return op switch
            {
                ExpressionType.Equal => c => c.LifetimeValueMinor >= minor * c.OrderCount && c.LifetimeValueMinor < next * c.OrderCount,
                ExpressionType.GreaterThan => c => c.LifetimeValueMinor > minor * c.OrderCount,
                ExpressionType.GreaterThanOrEqual => c => c.LifetimeValueMinor >= minor * c.OrderCount,
                ExpressionType.LessThan => c => c.LifetimeValueMinor < minor * c.OrderCount,
                _ => c => c.LifetimeValueMinor <= minor * c.OrderCount,
            };
        }

        /// <summary>select(c) op value, the value as a parameter (a member of a captured box, which EF Core parameterises).</summary>
        private static Expression<Func<Customer, bool>> Compare<T>(Expression<Func<Customer, T>> select, ExpressionType op, T value)
        {
            var boxed = Expression.Property(Expression.Constant(new Box<T>(value)), nameof(Box<T>.Value));
            return Expression.Lambda<Func<Customer, bool>>(Expression.MakeBinary(op, StripConvert(select.Body), ConvertTo(boxed, StripConvert(select.Body).Type)),
                select.Parameters);
        }

        // c => c.OrderCount typed as long arrives as Convert(c.OrderCount); compare in the column's own type instead.
        private static Expression StripConvert(Expression e) => e is UnaryExpression { NodeType: ExpressionType.Convert } u ? u.Operand : e;

        private static Expression ConvertTo(Expression e, Type type) => e.Type == type ? e : Expression.Convert(e, type);

        private sealed class Box<T>(T value)
        {
            public T Value { get; } = value;
        }
    }

    // ---------------------------------------------------------------------- composition

    private static readonly ParameterExpression Customer = Expression.Parameter(typeof(Customer), "c");

    private static Expression<Func<Customer, bool>> All(IEnumerable<Expression<Func<Customer, bool>>> parts) => Combine(parts, Expression.AndAlso, true);

    private static Expression<Func<Customer, bool>> Any(IEnumerable<Expression<Func<Customer, bool>>> parts) => Combine(parts, Expression.OrElse, false);

    private static Expression<Func<Customer, bool>> Combine(IEnumerable<Expression<Func<Customer, bool>>> parts,
        Func<Expression, Expression, BinaryExpression> join, bool empty)
    {
        Expression? body = null;
        foreach (var part in parts)
        {
            var rebound = Rebind(part);
            // "Always true" parts (a guard a field never needs) are left out of an AND.
            if (rebound is ConstantExpression { Value: true } && join == (Func<Expression, Expression, BinaryExpression>)Expression.AndAlso) continue;
            body = body is null ? rebound : join(body, rebound);
        }
        return Expression.Lambda<Func<Customer, bool>>(body ?? Expression.Constant(empty), Customer);
    }

    private static Expression<Func<Customer, bool>> Negated(Expression<Func<Customer, bool>> predicate, bool negate) =>
        negate ? Expression.Lambda<Func<Customer, bool>>(Expression.Not(Rebind(predicate)), Customer) : predicate;

    /// <summary>field(c) tested by test(x), as one predicate on c.</summary>
    private static Expression<Func<Customer, bool>> On<T>(Expression<Func<Customer, T>> select, Expression<Func<T, bool>> test) =>
        Expression.Lambda<Func<Customer, bool>>(new Replace(test.Parameters[0], Rebind(select)).Visit(test.Body), Customer);

    private static Expression Rebind(LambdaExpression lambda) => new Replace(lambda.Parameters[0], Customer).Visit(lambda.Body);

    private sealed class Replace(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
