import express from 'express';
import { contractProblem } from '../support/contract';
import { contractRequest } from '../support/stack';

/** The contract checker every test agent runs must itself be able to fail. */
describe('the contract checker', () => {
  // A stand-in app that answers the declared GET /health and GET /tasks routes as the test says.
  const app = express();
  app.get('/health', (req, res) => {
    if (req.query.answer === 'extra-field') res.json({ status: 'ok', uptime: 12 });
    else if (req.query.answer === 'teapot') res.status(418).json({ error: { code: 'TEAPOT', message: 'no' } });
    else res.json({ status: 'ok' });
  });
  app.get('/tasks', (_req, res) => {
    res.status(409).json({ error: { code: 'X', message: 'y' } });
  });

  it('when an answer has a field its declaration does not name, then the request fails', async () => {
    await expect(contractRequest(app).get('/health?answer=extra-field')).rejects.toThrow(/contract: GET \/health → 200: .*uptime/);
  });

  it('when an answer has a status its operation does not declare, then the request fails', async () => {
    await expect(contractRequest(app).get('/health?answer=teapot')).rejects.toThrow(/contract: .*does not declare status 418/);
    await expect(contractRequest(app).get('/tasks')).rejects.toThrow(/task.list does not declare status 409/);
  });

  it('when an answer keeps the contract, then the request passes', async () => {
    const res = await contractRequest(app).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('when an error body carries a field the shared error body lacks, or a route is not declared, then the checker names it', () => {
    expect(contractProblem('GET', '/tasks', { status: 403, body: { error: { code: 'FORBIDDEN', message: 'no', hint: 'x' } } })).toMatch(/hint/);
    expect(contractProblem('GET', '/tasks', { status: 403, body: { error: { code: 'FORBIDDEN', message: 'no' } } })).toBeUndefined();
    expect(contractProblem('DELETE', '/tasks', { status: 200, body: {} })).toMatch(/no operation is declared/);
  });
});
