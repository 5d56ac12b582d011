// Sends an identify, a track and a page call to the portal's Segment-compatible tracking API with Segment's official
// Node.js client, then flushes and exits 0; on any delivery failure it prints the error and exits 1.
//
//   node send.mjs <portal URL> <write key>        (or C360_TRACKING_URL and C360_WRITE_KEY)
//
// Run by TrackingApiTests (tests/Customer360Portal.Web.Tests/Api/TrackingApiTests.cs) against a portal on a loopback port.
import { Analytics } from '@segment/analytics-node'

const url = process.argv[2] ?? process.env.C360_TRACKING_URL
const writeKey = process.argv[3] ?? process.env.C360_WRITE_KEY
if (!url || !writeKey) {
  console.error('usage: node send.mjs <portal URL> <write key>  (or set C360_TRACKING_URL and C360_WRITE_KEY)')
  process.exit(2)
}

const anonymousId = 'anon-tracking-client-0001'
const userId = 'user-tracking-client-0001'

const analytics = new Analytics({
  writeKey,
  host: url,
  path: '/v1/batch',
  flushAt: 3, // the three calls below travel in one batch
  flushInterval: 1000,
  maxRetries: 2, // a broken endpoint should fail the test quickly, not retry for minutes
  httpRequestTimeout: 10000,
})

const failures = []
analytics.on('error', (error) => failures.push(error))
analytics.on('http_response', (response) => {
  if (response.status !== 200) failures.push(new Error(`HTTP ${response.status} ${response.statusText} from ${response.url}`))
})

// The callback reports each call's own delivery.
const delivered = (call) => (error) => {
  if (error) failures.push(new Error(`${call}: ${error?.message ?? error}`))
}

analytics.identify(
  { userId, anonymousId, traits: { email: 'Ada.Client@Example.com', firstName: 'Ada' } },
  delivered('identify')
)
analytics.track(
  { userId, anonymousId, event: 'Signed Up', properties: { plan: 'trial' } },
  delivered('track')
)
analytics.page(
  { userId, anonymousId, name: 'Pricing', properties: { path: '/pricing', url: 'https://shop.example/pricing' } },
  delivered('page')
)

try {
  await analytics.closeAndFlush({ timeout: 30000 })
} catch (error) {
  failures.push(error)
}

if (failures.length > 0) {
  for (const failure of failures) {
    const reason = failure?.reason ?? failure
    console.error(`tracking client failed: ${failure?.code ?? 'error'}: ${reason?.message ?? reason}`)
  }
  process.exit(1)
}
console.log('sent identify, track and page')
