import type { Faker } from '@faker-js/faker'

/** Models whose `name` field is a person's name rather than a thing's. */
const PERSON_MODEL = /user|person|customer|author|member|employee|contact|profile|account|admin|staff/i

/**
 * A realistic string for a field, guessed from its name (`email`, `city`, `sku`…); undefined when
 * the name says nothing (the caller then uses words).
 */
export function stringForName(faker: Faker, field: string, modelName: string): string | undefined {
  const f = field.toLowerCase()
  const has = (...words: string[]) => words.some((w) => f.includes(w))
  if (has('email')) return faker.internet.email().toLowerCase()
  if (has('url', 'website', 'homepage', 'link', 'href')) return faker.internet.url()
  if (has('image', 'avatar', 'photo', 'picture', 'thumbnail')) return faker.image.url()
  if (has('username', 'login', 'handle', 'nickname')) return faker.internet.username()
  if (has('firstname', 'givenname')) return faker.person.firstName()
  if (has('lastname', 'surname', 'familyname')) return faker.person.lastName()
  if (f === 'name' || f === 'fullname' || f === 'displayname') {
    return PERSON_MODEL.test(modelName) ? faker.person.fullName() : faker.commerce.productName()
  }
  if (has('title', 'headline', 'subject')) return faker.lorem.sentence({ min: 2, max: 5 }).replace(/\.$/, '')
  if (has('description', 'bio', 'body', 'content', 'text', 'comment', 'summary', 'note', 'message', 'about'))
    return faker.lorem.sentences({ min: 1, max: 3 })
  if (has('phone', 'mobile', 'tel')) return faker.phone.number({ style: 'international' })
  if (has('street', 'address')) return faker.location.streetAddress()
  if (has('city', 'town')) return faker.location.city()
  if (has('country')) return faker.location.country()
  if (has('zip', 'postal', 'postcode')) return faker.location.zipCode()
  if (has('state', 'region', 'province')) return faker.location.state()
  if (has('company', 'organization', 'organisation', 'brand', 'vendor')) return faker.company.name()
  if (has('sku', 'code', 'reference')) return `${faker.string.alpha({ length: 3, casing: 'upper' })}-${faker.string.numeric(5)}`
  if (has('slug')) return faker.lorem.slug(3)
  if (has('colour', 'color')) return faker.color.human()
  if (has('currency')) return faker.finance.currencyCode()
  if (has('password', 'secret')) return faker.internet.password({ length: 16 })
  if (has('category', 'department')) return faker.commerce.department()
  if (has('tag', 'keyword', 'label')) return faker.word.noun()
  if (has('ip')) return faker.internet.ipv4()
  if (f === 'id' || f.endsWith('id') || f.endsWith('_id')) return faker.string.uuid()
  if (has('word', 'term')) return faker.word.noun()
  return undefined
}

/** A realistic range for a number field, guessed from its name (`price` 1–500, `rating` 1–5…). */
export function rangeForName(field: string): { min: number; max: number; decimals?: number } | undefined {
  const f = field.toLowerCase()
  const has = (...words: string[]) => words.some((w) => f.includes(w))
  if (has('price', 'cost', 'amount', 'total', 'fee', 'salary', 'balance')) return { min: 1, max: 500, decimals: 2 }
  if (has('rating', 'stars', 'score')) return { min: 1, max: 5 }
  if (has('age')) return { min: 18, max: 90 }
  if (has('year')) return { min: 1970, max: 2030 }
  if (has('percent', 'ratio', 'discount')) return { min: 0, max: 100 }
  if (has('quantity', 'qty', 'stock', 'count', 'inventory')) return { min: 0, max: 500 }
  if (f === 'lat' || has('latitude')) return { min: -90, max: 90, decimals: 5 }
  if (f === 'lng' || f === 'lon' || has('longitude')) return { min: -180, max: 180, decimals: 5 }
  return undefined
}
