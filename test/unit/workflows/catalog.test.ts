import { readFileSync } from 'node:fs';
import path from 'node:path';
import { collectionSchema, productSchema } from '../../../src/partnercenter/schemas';
import { productChoices } from '../../../src/workflows/catalogNavigator';
import { SAMPLES_DIR } from '../../support/samples';

const sample = (name: string): unknown => JSON.parse(readFileSync(path.join(SAMPLES_DIR, name), 'utf8'));

describe('products to pick from a product list', () => {
  it('takes the product from productId when an item carries it (the customer-scoped MicrosoftAzure sample)', () => {
    const { items } = collectionSchema(productSchema).parse(
      sample('02-products-by-customer-microsoftazure-response.json'),
    );
    expect(items.map((i) => i.id)).toEqual(['MS-AZR-0145P', '0001']);
    expect(productChoices(items).map((c) => [c.id, c.title])).toEqual([
      ['9DEA7946-EC2C-441E-9FFD-E3B275F7E838', 'Microsoft Azure'],
      ['DZH318Z0BPS6', 'Microsoft Azure plan'],
    ]);
  });

  it('takes the id of a product-shaped item (the partner-wide catalog)', () => {
    const product = productSchema.parse(sample('03-product-by-id-response.json'));
    expect(product.productId).toBeUndefined();
    expect(productChoices([product]).map((c) => c.id)).toEqual([product.id]);
  });
});
